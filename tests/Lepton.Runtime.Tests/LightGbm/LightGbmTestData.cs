using Lepton.Data.Tables;
using Lepton.NN.Serialization;
using Lepton.Runtime.LightGbm;

namespace Lepton.Runtime.Tests.LightGbm;

/// <summary>Small seeded tables and boosters trained straight through the binding, for the predictor tests.</summary>
internal static class LightGbmTestData
{
    /// <summary>n rows of 4 features; the class is which of 3 bands x0 + x1 falls in, with a few NaNs in x3 (ignored by the label).</summary>
    public static (FeatureMatrix X, float[] Y) ThreeClasses(int n = 300, int seed = 1)
    {
        var rng = new Random(seed);
        var values = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) values[i * 4 + j] = (float)(rng.NextDouble() * 2 - 1);
            if (i % 7 == 0) values[i * 4 + 3] = float.NaN;
            double s = values[i * 4] + values[i * 4 + 1];
            y[i] = s < -0.4 ? 0 : s < 0.4 ? 1 : 2;
        }
        return (new FeatureMatrix(values, n, ["x0", "x 1", "x:2", "x3"]), y);
    }

    /// <summary>Binary labels: x0 + x1 &gt; 0.</summary>
    public static float[] Binary(FeatureMatrix x)
    {
        var y = new float[x.Rows];
        for (int i = 0; i < x.Rows; i++) y[i] = x.Row(i)[0] + x.Row(i)[1] > 0 ? 1 : 0;
        return y;
    }

    public const string Deterministic = "verbosity=-1 num_threads=2 seed=3 deterministic=true force_row_wise=true min_data_in_leaf=5 num_leaves=7 learning_rate=0.2";

    /// <summary>Trains <paramref name="iterations"/> iterations with <paramref name="parameters"/> and returns the model text.</summary>
    public static string Train(FeatureMatrix x, float[] y, string parameters, int iterations = 20)
    {
        using var data = LightGbmDataset.Create(x, y, parameters);
        using var booster = LightGbmBooster.Create(data, parameters);
        for (int i = 0; i < iterations; i++) booster.UpdateOneIteration();
        return booster.SaveToString();
    }

    /// <summary>A saved LightGBM model folder for <paramref name="task"/> (multiclass: 3 classes a, b, c).</summary>
    public static string Folder(TempFolders folders, TaskKind task, out FeatureMatrix x)
    {
        (x, var y3) = ThreeClasses();
        var (objective, y, classes) = task switch
        {
            TaskKind.Multiclass => ("objective=multiclass num_class=3", y3, (IReadOnlyList<string>)["a", "b", "c"]),
            TaskKind.Binary => ("objective=binary", Binary(x), ["no", "yes"]),
            _ => ("objective=regression", Regression(x), []),
        };
        var text = Train(x, y, $"{objective} {Deterministic}");
        var dir = folders.New();
        LightGbmModelFolder.Save(dir, text, new LightGbmModelInfo(task, x.FeatureNames, classes));
        return dir;
    }

    public static float[] Regression(FeatureMatrix x)
    {
        var y = new float[x.Rows];
        for (int i = 0; i < x.Rows; i++) y[i] = 3 * x.Row(i)[0] - 2 * x.Row(i)[1] * x.Row(i)[1];
        return y;
    }
}
