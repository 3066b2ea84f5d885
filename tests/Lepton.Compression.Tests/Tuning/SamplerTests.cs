using Lepton.Compression.Tuning.Sampling;
using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tests.Tuning;

public sealed class SamplerTests
{
    private static readonly SearchSpace Space = new([
        SearchParameter.Float("lr", 1e-5, 1, log: true),
        SearchParameter.Float("x", -1, 1),
        SearchParameter.Int("depth", 1, 6),
        SearchParameter.Categorical("optimizer", "adam", "adamw", "sgd"),
    ]);

    // A quadratic bowl with its best at lr = 1e-3, x = 0.3, depth = 4, optimizer = sgd; 0 at the optimum.
    private static double Bowl(IReadOnlyDictionary<string, double> p) =>
        -(Math.Pow(Math.Log10(p["lr"]) + 3, 2) / 4 + Math.Pow(p["x"] - 0.3, 2) + Math.Pow(p["depth"] - 4, 2) / 25 + (p["optimizer"] == 2 ? 0 : 0.3));

    private static double BestOf(ISampler sampler, int trials)
    {
        var history = new List<Observation>();
        for (int n = 0; n < trials; n++)
        {
            var p = sampler.Sample(Space, history, n);
            history.Add(new Observation(n, p, 1, Bowl(p)));
        }
        return history.Max(o => o.Value);
    }

    private static List<IReadOnlyDictionary<string, double>> Proposals(ISampler sampler, int trials)
    {
        var history = new List<Observation>();
        var proposed = new List<IReadOnlyDictionary<string, double>>();
        for (int n = 0; n < trials; n++)
        {
            var p = sampler.Sample(Space, history, n);
            proposed.Add(p);
            history.Add(new Observation(n, p, 1, Bowl(p)));
        }
        return proposed;
    }

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void Sample_SameSeed_SameProposals_OtherSeed_Others(string name)
    {
        var a = Proposals(Samplers.Create(name, 42), 25);
        var b = Proposals(Samplers.Create(name, 42), 25);
        var c = Proposals(Samplers.Create(name, 43), 25);
        Assert.Equal(a.Select(p => string.Join(",", p.OrderBy(kv => kv.Key).Select(kv => kv.Value))), b.Select(p => string.Join(",", p.OrderBy(kv => kv.Key).Select(kv => kv.Value))));
        Assert.NotEqual(a[^1]["x"], c[^1]["x"]);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void Sample_ManyTrials_EveryValueInsideItsParameter(string name)
    {
        foreach (var p in Proposals(Samplers.Create(name, 7), 60))
            foreach (var parameter in Space.Parameters)
                Assert.True(parameter.Contains(p[parameter.Name]), $"{parameter.Name} = {p[parameter.Name]}");
    }

    [Fact]
    public void Tpe_QuadraticBowl_BeatsRandomOverManySeeds()
    {
        // 60 trials each (10 of them TPE's random start), 40 seeds: TPE should find a better point than random search far more often than not.
        const int seeds = 40, trials = 60;
        int wins = 0;
        double tpeSum = 0, randomSum = 0;
        for (ulong seed = 0; seed < seeds; seed++)
        {
            double tpe = BestOf(new TpeSampler(new TpeOptions(Seed: seed)), trials);
            double random = BestOf(new RandomSampler(seed), trials);
            tpeSum += tpe;
            randomSum += random;
            if (tpe > random) wins++;
        }
        // Under "no better than random" wins would be Binomial(40, 0.5): 28 or more has probability below 1%.
        Assert.True(wins >= 28, $"TPE beat random in {wins}/{seeds} seeds (mean best {tpeSum / seeds:F4} vs {randomSum / seeds:F4})");
        Assert.True(tpeSum > randomSum);
    }

    [Fact]
    public void Tpe_BeforeStartupTrials_ProposesWhatRandomDoes()
    {
        var tpe = new TpeSampler(new TpeOptions(Seed: 5, StartupTrials: 10));
        var random = new RandomSampler(5);
        Assert.Equal(random.Sample(Space, [], 3), tpe.Sample(Space, [], 3));
    }

    [Fact]
    public void Tpe_GoodTrialsAtOneChoice_ProposesThatChoice()
    {
        // Ten trials where sgd (index 2) always scores best: the good side holds only sgd, so l/g favours it strongly.
        var space = new SearchSpace([SearchParameter.Categorical("optimizer", "adam", "adamw", "sgd")]);
        var history = Enumerable.Range(0, 30).Select(n => new Observation(n, new Dictionary<string, double> { ["optimizer"] = n % 3 }, 1, n % 3 == 2 ? 1.0 : 0.0)).ToList();
        var tpe = new TpeSampler(new TpeOptions(Seed: 1));
        int sgd = Enumerable.Range(30, 20).Count(n => tpe.Sample(space, history, n)["optimizer"] == 2);
        Assert.True(sgd >= 18, $"sgd proposed {sgd}/20 times");
    }

    [Fact]
    public void Weights_Over25_OldestLightest_Latest25Full()
    {
        Assert.Equal(Enumerable.Repeat(1.0, 10), TpeSampler.Weights(10));
        var w = TpeSampler.Weights(40);
        Assert.Equal(1.0 / 40, w[0], 12);
        Assert.All(w[15..], v => Assert.Equal(1.0, v));
        Assert.True(w.Zip(w.Skip(1)).All(p => p.First <= p.Second));
    }

    [Fact]
    public void Parzen_Density_IntegratesToOneOverTheInterval()
    {
        var p = SearchParameter.Float("x", -1, 2);
        var est = new ParzenEstimator(p, [0.1, 0.2, 1.9, -0.95], [1, 1, 0.5, 1], 1.0);
        const int steps = 30_000;
        double h = 3.0 / steps, sum = 0;
        for (int i = 0; i < steps; i++) sum += Math.Exp(est.LogPdf(-1 + (i + 0.5) * h)) * h;
        Assert.Equal(1.0, sum, 3);
    }

    [Fact]
    public void Parzen_Samples_StayInsideAndFollowTheObservations()
    {
        var p = SearchParameter.Float("x", 0, 10);
        var est = new ParzenEstimator(p, [2.0, 2.1, 2.2, 1.9, 2.05], [1, 1, 1, 1, 1], 1.0);
        var rng = new Random(3);
        var draws = Enumerable.Range(0, 2000).Select(_ => est.Sample(rng)).ToList();
        Assert.All(draws, x => Assert.InRange(x, 0, 10));
        // Five of six components sit at 2 (widths clipped up to range / 7), the prior spreads over [0, 10]: uniform draws would land within 2.5 of 2 half the time.
        Assert.InRange(draws.Count(x => Math.Abs(x - 2) < 2.5) / 2000.0, 0.75, 1.0);
    }
}
