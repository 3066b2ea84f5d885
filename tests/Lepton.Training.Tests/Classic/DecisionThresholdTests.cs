using Lepton.Training.Classic;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// Decision thresholds: the forms <c>--threshold</c> reads, and each rule's choice held equal to a plain search that scores every
/// distinct probability as a cut.
/// </summary>
public sealed class DecisionThresholdTests
{
    [Theory]
    [InlineData("0.3", "fixed", 0.3)]
    [InlineData("f1", "f1", double.NaN)]
    [InlineData("F1", "f1", double.NaN)]
    [InlineData("precision=0.9", "precision", 0.9)]
    [InlineData("precision>=0.9", "precision", 0.9)]
    [InlineData("recall=0.75", "recall", 0.75)]
    [InlineData("cost=20", "cost", 20.0)]
    public void Parse_ReadsEveryForm_AndWritesItBack(string text, string rule, double value)
    {
        var t = DecisionThreshold.Parse(text);
        Assert.Equal(rule, t.Rule);
        Assert.Equal(value, t.Value);
        Assert.Equal(t, DecisionThreshold.Parse(t.ToString()));
    }

    [Theory]
    [InlineData("best", "give a probability (0.3), f1")]
    [InlineData("precision=", "precision=0.9")]
    [InlineData("accuracy=0.9", "recall=0.8")]
    [InlineData("1.5", "[0, 1]")]
    [InlineData("precision=0", "(0, 1]")]
    [InlineData("cost=0", "C > 0")]
    public void Parse_RefusesOtherText_NamingTheForms(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DecisionThreshold.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    // A seeded score set: positives score higher on average, with ties (rounded to 2 decimals) so cuts move several rows at once.
    private static (double[] P, float[] Y) Scores(int n, double positiveShare, int seed)
    {
        var rng = new Random(seed);
        var p = new double[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = rng.NextDouble() < positiveShare;
            y[i] = positive ? 1 : 0;
            double z = (positive ? 1.2 : -1.0) + rng.NextDouble() * 2.2 - 1.1 + (rng.NextDouble() - 0.5);
            p[i] = Math.Round(1 / (1 + Math.Exp(-2 * z)), 2);
        }
        return (p, y);
    }

    // The plain search: every distinct probability as the lowest one called positive; the rule's best cut by its objective.
    private static (double Cut, double Precision, double Recall)? Plain(double[] p, float[] y, DecisionThreshold rule)
    {
        int positives = y.Count(v => v == 1);
        (double Cut, double Precision, double Recall)? best = null;
        double bestKey = double.NegativeInfinity;
        foreach (var cut in p.Distinct().OrderDescending())
        {
            int tp = 0, flagged = 0;
            for (int i = 0; i < p.Length; i++)
            {
                if (p[i] < cut) continue;
                flagged++;
                if (y[i] == 1) tp++;
            }
            double precision = (double)tp / flagged, recall = (double)tp / positives;
            double f1 = tp == 0 ? 0 : 2 * precision * recall / (precision + recall);
            double? key = rule.Rule switch
            {
                "f1" => f1,
                "precision" => precision >= rule.Value ? recall : null,
                "cost" => rule.Value * tp - (flagged - tp),
                _ => recall >= rule.Value ? precision : null,
            };
            if (key is { } k && k > bestKey) (bestKey, best) = (k, (cut, precision, recall));
        }
        return best;
    }

    [Theory]
    [InlineData("f1", 0.3, 1)]
    [InlineData("f1", 0.05, 2)]
    [InlineData("precision=0.8", 0.2, 3)]
    [InlineData("precision=0.6", 0.05, 4)]
    [InlineData("recall=0.9", 0.2, 5)]
    [InlineData("recall=0.5", 0.05, 6)]
    [InlineData("cost=20", 0.03, 7)]
    [InlineData("cost=2", 0.3, 8)]
    public void Choose_MatchesThePlainSearch_AndCutsBetweenTheChosenProbabilityAndTheNextLower(string text, double share, int seed)
    {
        var (p, y) = Scores(2000, share, seed);
        var rule = DecisionThreshold.Parse(text);
        var choice = rule.Choose(p, y, "test rows");
        var plain = Plain(p, y, rule);
        Assert.NotNull(plain);
        Assert.True(choice.Met);
        Assert.Equal(plain.Value.Precision, choice.Precision!.Value, 12);
        Assert.Equal(plain.Value.Recall, choice.Recall!.Value, 12);
        // Midway to the next lower probability, so exactly the plain cut's rows are called positive.
        double below = p.Where(v => v < plain.Value.Cut).DefaultIfEmpty(0).Max();
        Assert.Equal((plain.Value.Cut + below) / 2, choice.Threshold, 12);
        var (precision, recall) = DecisionThreshold.PrecisionRecallAt(p, y, choice.Threshold);
        Assert.Equal(choice.Precision!.Value, precision, 12);
        Assert.Equal(choice.Recall!.Value, recall, 12);
        Assert.Equal(2000, choice.Rows);
        Assert.Equal(y.Count(v => v == 1), choice.Positives);
        Assert.Equal("test rows", choice.Source);
    }

    [Theory]
    [InlineData("f1", 0.2, 11)]
    [InlineData("precision=0.8", 0.2, 12)]
    [InlineData("recall=0.7", 0.1, 13)]
    [InlineData("cost=10", 0.05, 14)]
    public void Choose_WithWeights_ChoosesAsIfEachRowWereRepeatedItsWeightTimes(string text, double share, int seed)
    {
        var (p, y) = Scores(1500, share, seed);
        var rng = new Random(seed);
        float[] w = [.. p.Select(_ => (float)rng.Next(1, 4))];
        var repeated = Enumerable.Range(0, p.Length).SelectMany(i => Enumerable.Repeat(i, (int)w[i])).ToArray();
        double[] p2 = [.. repeated.Select(i => p[i])];
        float[] y2 = [.. repeated.Select(i => y[i])];
        var rule = DecisionThreshold.Parse(text);
        var weighted = rule.Choose(p, y, "rows", w);
        var plain = rule.Choose(p2, y2, "rows");
        Assert.Equal(plain.Threshold, weighted.Threshold, 12);
        Assert.Equal(plain.Precision!.Value, weighted.Precision!.Value, 12);
        Assert.Equal(plain.Recall!.Value, weighted.Recall!.Value, 12);
        Assert.Equal(rule.ObjectiveAt(p2, y2, weighted.Threshold), rule.ObjectiveAt(p, y, weighted.Threshold, w), 12);
        Assert.Equal(1500, weighted.Rows); // rows, not weight
        // Weights of 1 are no weights.
        Assert.Equal(rule.Choose(p, y, "rows"), rule.Choose(p, y, "rows", [.. w.Select(_ => 1f)]));
    }

    [Fact]
    public void Choose_WithWeights_IgnoresRowsThatWeighNothing_AndRefusesWeightlessPositives()
    {
        // The one high-scoring negative weighs 0: the best F1 calls it positive at no cost.
        var p = new double[] { 0.95, 0.9, 0.8, 0.2, 0.1 };
        var y = new float[] { 0, 1, 1, 0, 0 };
        var choice = DecisionThreshold.MaxF1.Choose(p, y, "rows", [0, 1, 1, 1, 1]);
        Assert.Equal(1.0, choice.Precision!.Value, 12);
        Assert.Equal(1.0, choice.Recall!.Value, 12);
        Assert.True(DecisionThreshold.MaxF1.Choose(p, y, "rows").Precision < 1);
        var e = Assert.Throws<ArgumentException>(() => DecisionThreshold.MaxF1.Choose(p, y, "rows", [1, 0, 0, 1, 1]));
        Assert.Contains("weigh more than 0", e.Message);
        Assert.Contains("5 weights", Assert.Throws<ArgumentException>(() => DecisionThreshold.MaxF1.Choose(p, y, "rows", [1, 1])).Message);
    }

    [Fact]
    public void Choose_AnUnreachablePrecision_KeepsTheMostPreciseCut_AndSaysSo()
    {
        // Positives and negatives score alike: no cut reaches a precision of 0.99.
        var p = new double[] { 0.9, 0.9, 0.8, 0.8, 0.3, 0.3 };
        var y = new float[] { 1, 0, 1, 0, 1, 0 };
        var choice = DecisionThreshold.MinPrecision(0.99).Choose(p, y, "rows");
        Assert.False(choice.Met);
        Assert.Equal(0.5, choice.Precision!.Value, 12);
        Assert.Equal(1.0 / 3, choice.Recall!.Value, 12); // the first (highest) cut of the best precision
    }

    [Fact]
    public void Choose_RowsOfOneClass_AreRefused_NamingAFixedThreshold()
    {
        var e = Assert.Throws<ArgumentException>(() => DecisionThreshold.MaxF1.Choose([0.2, 0.7], [0, 0], "the validation split"));
        Assert.Contains("both classes", e.Message);
        Assert.Contains("fixed threshold", e.Message);
    }

    [Fact]
    public void AFixedThreshold_IsMeasuredNotChosen()
    {
        var choice = DecisionThreshold.Fixed(0.3).Choose([0.1, 0.35, 0.6, 0.2], [0, 1, 1, 1], "rows");
        Assert.Equal(0.3, choice.Threshold);
        Assert.Equal(1.0, choice.Precision!.Value, 12);
        Assert.Equal(2.0 / 3, choice.Recall!.Value, 12);
        Assert.Equal("0.3", choice.Rule);
    }

    [Fact]
    public void ThresholdChoice_RoundTripsThroughModelJson()
    {
        var choice = new ThresholdChoice("precision=0.9", 0.73, "the validation split", 500, 40, 0.91, 0.45, 0.6) { Met = true };
        Assert.Equal(choice, ThresholdChoice.FromJson(choice.ToJson()));
        var given = ThresholdChoice.Given(0.25);
        Assert.Equal(given, ThresholdChoice.FromJson(System.Text.Json.Nodes.JsonNode.Parse(given.ToJson().ToJsonString())));
        Assert.Null(ThresholdChoice.FromJson(System.Text.Json.Nodes.JsonValue.Create(3)));
    }
}
