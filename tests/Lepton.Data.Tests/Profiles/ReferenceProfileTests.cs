using Lepton.Data.Profiles;

namespace Lepton.Data.Tests.Profiles;

public class ReferenceProfileTests
{
    private static readonly string[] Classes = ["cat", "dog"];

    private static ExampleStatistics[] WithMeans(IEnumerable<double> means) => [.. means.Select(m => new ExampleStatistics(m, 1, 0, 255))];

    [Fact]
    public void Decile_cut_points_split_known_data_into_tenths()
    {
        // Means 0..99 (shuffled): cut b is the sorted value at floor(b * 100 / 10) = 10, 20, ..., 90; each bin holds 10 of 100.
        var means = Enumerable.Range(0, 100).Select(i => (double)(i * 37 % 100)).ToArray();
        var profile = ReferenceProfile.Build(WithMeans(means), Classes, [1, 3], [2, 2]).Inputs["mean"];
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90], profile.CutPoints);
        Assert.All(profile.Proportions, p => Assert.Equal(0.1, p, 12));
        Assert.Equal(10, profile.Proportions.Length);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), profile.Sample);
    }

    [Fact]
    public void Repeated_values_collapse_cut_points_and_bins()
    {
        // 50 ones and 50 twos: cuts at sorted[10..40] = 1 and sorted[50..90] = 2, duplicates dropped -> [1, 2].
        // Bins: below 1 (none), [1, 2) (the ones, 0.5), 2 and above (the twos, 0.5). A constant statistic has one cut.
        var profile = ReferenceProfile.Build(WithMeans([.. Enumerable.Repeat(1.0, 50), .. Enumerable.Repeat(2.0, 50)]), Classes, [1, 1], [1, 1]);
        Assert.Equal([1, 2], profile.Inputs["mean"].CutPoints);
        Assert.Equal([0, 0.5, 0.5], profile.Inputs["mean"].Proportions.Select(p => Math.Round(p, 12)));
        Assert.Equal([1], profile.Inputs["std"].CutPoints);
        Assert.Equal([0, 1], profile.Inputs["std"].Proportions.Select(p => Math.Round(p, 12)));
    }

    [Theory]
    [InlineData(double.NegativeInfinity, 0)]
    [InlineData(9.999, 0)]
    [InlineData(10, 1)]
    [InlineData(19.999, 1)]
    [InlineData(20, 2)]
    [InlineData(30, 3)]
    [InlineData(1e9, 3)]
    public void BinOf_counts_the_cut_points_at_or_below_the_value(double value, int bin)
    {
        var profile = new StatisticProfile([10, 20, 30], new double[4], []);
        Assert.Equal(bin, profile.BinOf(value));
    }

    [Fact]
    public void The_sample_is_evenly_spaced_through_the_sorted_values_when_there_are_many()
    {
        // 5000 values 0..4999 -> 2000 samples, sample[i] = sorted[floor(i * 5000 / 2000)] = floor(2.5 i): 0, 2, 5, 7, 10, ...
        var sample = ReferenceProfile.Build(WithMeans(Enumerable.Range(0, 5000).Select(i => (double)(4999 - i))), Classes, [1, 1], [1, 1])
            .Inputs["mean"].Sample;
        Assert.Equal(2000, sample.Length);
        Assert.Equal([0, 2, 5, 7, 10], sample[..5]);
        Assert.Equal(4997, sample[^1]);
    }

    [Fact]
    public void Class_counts_become_proportions()
    {
        var profile = ReferenceProfile.Build(WithMeans([1, 2]), Classes, [1, 3], [0, 0]);
        Assert.Equal([0.25, 0.75], profile.LabelProportions);
        Assert.Equal([0, 0], profile.PredictedProportions);
        Assert.Equal(2, profile.Count);
    }

    [Fact]
    public void Saved_profiles_load_back_equal()
    {
        string folder = Directory.CreateTempSubdirectory("lepton-profile-").FullName;
        try
        {
            var profile = ReferenceProfile.Build(WithMeans(Enumerable.Range(0, 30).Select(i => i * 1.5)), Classes, [10, 20], [12, 18]);
            profile.Save(folder);
            Assert.Contains("\"format\": \"lepton-reference/1\"", File.ReadAllText(Path.Combine(folder, ReferenceProfile.FileName)));
            var loaded = ReferenceProfile.Load(folder)!;
            Assert.Equal(profile.Count, loaded.Count);
            Assert.Equal(profile.ClassNames, loaded.ClassNames);
            Assert.Equal(profile.LabelProportions, loaded.LabelProportions);
            Assert.Equal(profile.PredictedProportions, loaded.PredictedProportions);
            Assert.Equal(ExampleStatistics.Names.Order(), loaded.Inputs.Keys.Order());
            foreach (string name in ExampleStatistics.Names)
            {
                Assert.Equal(profile.Inputs[name].CutPoints, loaded.Inputs[name].CutPoints);
                Assert.Equal(profile.Inputs[name].Proportions, loaded.Inputs[name].Proportions);
                Assert.Equal(profile.Inputs[name].Sample, loaded.Inputs[name].Sample);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_folder_without_a_profile_loads_null_and_a_broken_one_is_named()
    {
        string folder = Directory.CreateTempSubdirectory("lepton-profile-").FullName;
        try
        {
            Assert.Null(ReferenceProfile.Load(folder));
            File.WriteAllText(Path.Combine(folder, ReferenceProfile.FileName), "{\"format\":\"something-else\"}");
            Assert.Contains("lepton-reference/1", Assert.Throws<InvalidDataException>(() => ReferenceProfile.Load(folder)).Message);
            File.WriteAllText(Path.Combine(folder, ReferenceProfile.FileName), "{ not json");
            Assert.Contains("not a valid reference profile", Assert.Throws<InvalidDataException>(() => ReferenceProfile.Load(folder)).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Build_refuses_no_examples_and_mismatched_class_counts()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProfile.Build([], Classes, [1, 1], [1, 1]));
        Assert.Contains("one entry per class (2)", Assert.Throws<ArgumentException>(() => ReferenceProfile.Build(WithMeans([1]), Classes, [1], [1, 1])).Message);
    }
}
