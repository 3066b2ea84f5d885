using Lepton.NN.Tasks;
using Lepton.NN.Serialization;
using Lepton.Training.Classic;

namespace Lepton.Training.Tests.Classic;

public sealed class RegressionLossTests
{
    [Theory]
    [InlineData("squared", "squared")]
    [InlineData("L2", "squared")]
    [InlineData("mae", "absolute")]
    [InlineData(" Poisson ", "poisson")]
    [InlineData("gamma", "gamma")]
    [InlineData("tweedie", "tweedie=1.5")]
    [InlineData("tweedie=1.2", "tweedie=1.2")]
    [InlineData("quantile=0.9", "quantile=0.9")]
    public void Parse_ReadsEveryForm_AndWritesItBack(string text, string written)
    {
        var loss = RegressionLoss.Parse(text);
        Assert.Equal(written, loss.ToString());
        Assert.Equal(loss, RegressionLoss.Parse(loss.ToString()));
    }

    [Theory]
    [InlineData("poison", "is not a regression loss; use squared, absolute")]
    [InlineData("quantile", "names no quantile level; give one, e.g. quantile=0.9")]
    [InlineData("quantile=1", "takes a level in (0, 1)")]
    [InlineData("quantile=abc", "gives quantile no number")]
    [InlineData("tweedie=2", "variance power in (1, 2)")]
    [InlineData("poisson=2", "the poisson loss takes no value")]
    public void Parse_RefusesBadText_NamingTheForms(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => RegressionLoss.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_MatchScikitLearn()
    {
        // scikit-learn 1.2 mean_poisson_deviance, mean_gamma_deviance (first target 0.2), mean_tweedie_deviance(power=1.5),
        // mean_pinball_loss(alpha=0.9) of these predictions.
        double[] p = [0.5, 1.2, 2.0, 6.0, 3.0];
        float[] y = [0, 1, 3, 7, 2.5f];
        float[] yg = [0.2f, 1, 3, 7, 2.5f];
        Assert.Equal(0.34292985373458446, RegressionLoss.Poisson.Score(p, y), 6);
        Assert.Equal(0.18186055634398998, RegressionLoss.Gamma.Score(p, yg), 6);
        Assert.Equal(0.6525832723541922, RegressionLoss.Tweedie(1.5).Score(p, y), 6);
        Assert.Equal(0.384, RegressionLoss.Quantile(0.9).Score(p, y), 6);
        Assert.Equal(Math.Sqrt((0.25 + 0.04 + 1 + 1 + 0.25) / 5), RegressionLoss.Squared.Score(p, y), 6);
        Assert.Equal((0.5 + 0.2 + 1 + 1 + 0.5) / 5, RegressionLoss.Absolute.Score(p, y), 6);
        Assert.Equal(0.6, RegressionLoss.Coverage(p, y), 12); // 0, 1 and 2.5 lie at or under their predictions
    }

    [Fact]
    public void Metrics_AlwaysHoldRmseAndMae_PlusTheLossOwn()
    {
        double[] p = [0.5, 1.2, 2.0];
        float[] y = [0, 1, 3];
        Assert.Equal(["mae", "rmse"], RegressionLoss.Squared.Metrics(p, y).Keys.Order());
        Assert.Equal(["mae", "poisson_deviance", "rmse"], RegressionLoss.Poisson.Metrics(p, y).Keys.Order());
        Assert.Equal(["coverage", "mae", "pinball_loss", "rmse"], RegressionLoss.Quantile(0.8).Metrics(p, y).Keys.Order());
    }

    [Theory]
    [InlineData("poisson", -1f, "cannot be negative")]
    [InlineData("tweedie", -0.5f, "cannot be negative")]
    [InlineData("gamma", 0f, "models positive amounts")]
    public void Labels_TheLossCannotModel_AreRefusedNamingTheRow(string loss, float bad, string expected)
    {
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Parse(loss) };
        var e = Assert.Throws<ArgumentException>(() => task.CheckLabels([1f, 2f, bad], 3));
        Assert.Contains("row 2", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        task.CheckLabels([1f, 0.5f, 3f], 3);
    }

    [Fact]
    public void AllZeroCounts_AreRefusedForALogLink()
    {
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Poisson };
        var e = Assert.Throws<ArgumentException>(() => task.CheckLabels([0f, 0f], 2));
        Assert.Contains("Every one of the 2 targets is 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyARegressionTask_TakesALossOtherThanSquared()
    {
        var e = Assert.Throws<ArgumentException>(() => TabularTask.Binary() with { Loss = RegressionLoss.Poisson });
        Assert.Contains("fits a regression target; this task is binary", e.Message, StringComparison.Ordinal);
        _ = TabularTask.Binary() with { Loss = RegressionLoss.Squared };
    }

    [Theory]
    [InlineData("squared")]
    [InlineData("absolute")]
    [InlineData("quantile=0.25")]
    [InlineData("poisson")]
    [InlineData("gamma")]
    [InlineData("tweedie=1.7")]
    public void ModelJsonTask_KeepsTheLoss_AndAgreesOnTheLink(string text)
    {
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Parse(text) };
        var spec = new ModelSpec
        {
            Input = new InputSpec("features", [-1, 2], Lepton.Engine.DType.Float32),
            Task = task.Spec(),
            ClassNames = [],
        };
        var back = ModelSpecJson.Read(ModelSpecJson.Write(spec));
        Assert.Equal(text == "squared" ? null : text, back.Task.Loss);
        Assert.Equal(task.Loss.LogLink, back.Task.LogLink);
        Assert.Equal(task, TabularTask.FromSpec(back.Task, []));
    }
}
