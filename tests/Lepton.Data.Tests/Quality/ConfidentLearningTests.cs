using System.Text.Json;
using Lepton.Data.Quality;

namespace Lepton.Data.Tests.Quality;

public sealed class ConfidentLearningTests
{
    public static TheoryData<string> Cases => new() { "three_classes", "five_classes", "binary" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FindLabelIssues_NumpyFixture_SameThresholdsJointAndIssues(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("quality/confident_learning.json")));
        var c = doc.RootElement.GetProperty("cases").GetProperty(name);
        int k = c.GetProperty("classes").GetInt32();
        var labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var probs = c.GetProperty("pred_probs").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        var issues = ConfidentLearning.FindLabelIssues(probs, labels, k);

        var thresholds = c.GetProperty("thresholds").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int j = 0; j < k; j++) Assert.Equal(thresholds[j], issues.Thresholds[j], 9);
        var joint = c.GetProperty("confident_joint").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) Assert.Equal(joint[i][j], issues.ConfidentJoint[i, j]);
        Assert.Equal(c.GetProperty("issues").EnumerateArray().Select(e => e.GetInt32()), issues.Indices);
    }

    [Fact]
    public void FindLabelIssues_CleanConfidentPredictions_FindsNothing()
    {
        var labels = Enumerable.Range(0, 30).Select(i => i % 3).ToArray();
        var probs = labels.SelectMany(l => Enumerable.Range(0, 3).Select(j => j == l ? 0.9f : 0.05f)).ToArray();
        Assert.Empty(ConfidentLearning.FindLabelIssues(probs, labels, 3).Indices);
    }

    [Fact]
    public void FindLabelIssues_WrongShape_ErrorNamesShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfidentLearning.FindLabelIssues(new float[5], [0, 1], 3));
        Assert.Contains("(2,3)", e.Message);
    }
}
