using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;

namespace Lepton.Bench;

/// <summary>
/// The Lepton half of bench/tables/run.sh: each tabular learner on the split bench/tables/split.py wrote (NAME_train.csv,
/// NAME_test.csv, tasks.json), one warm-up fit then <c>reps</c> timed fits; one <c>RESULT</c> line per (data set, learner)
/// with the test accuracy or RMSE and the median fit time. LightGBM picks its threads (one for tables this small) unless told.
/// </summary>
public static class TablesBench
{
    /// <summary>`tables DIR [reps=5] [threads=0 (LightGBM learners choose)]`.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: tables DIR [reps=5]   (DIR written by bench/tables/split.py)");
            return 2;
        }
        string dir = args[0];
        int reps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        using var tasks = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tasks.json")));
        foreach (var entry in tasks.RootElement.EnumerateObject())
        {
            string name = entry.Name;
            // Tables written only as one file with a split column (fashion_csv.py) belong to bench/tables/wall.sh.
            if (!File.Exists(Path.Combine(dir, $"{name}_train.csv"))) continue;
            var kind = entry.Value.GetProperty("task").GetString();
            var task = kind == "regression" ? TabularTask.Regression()
                : TabularTask.Classification([.. entry.Value.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!)]);
            var (trainX, trainY) = ReadCsv(Path.Combine(dir, $"{name}_train.csv"));
            var (testX, testY) = ReadCsv(Path.Combine(dir, $"{name}_test.csv"));
            foreach (var (learner, fit) in Learners(task, threads))
            {
                fit(trainX, trainY); // warm-up: JIT and the native library's first call
                var times = new double[reps];
                ITabularModel? model = null;
                for (int r = 0; r < reps; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    model = fit(trainX, trainY);
                    times[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                Array.Sort(times);
                BenchResult.Print(new
                {
                    Side = "lepton",
                    Dataset = name,
                    Learner = learner,
                    Metric = task.IsClassification ? "accuracy" : "rmse",
                    Score = TabularAuto.Score(task, model!.Predict(testX), testY),
                    Model = model.Learner,
                    TrainMs = times[reps / 2],
                });
            }
        }
        return 0;
    }

    private static IEnumerable<(string Name, Func<FeatureMatrix, float[], ITabularModel> Fit)> Learners(TabularTask task, int threads)
    {
        var gbdt = GradientBoostingOptions.Default with { NumThreads = threads };
        yield return ("gbdt_early_stopping", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt));
        // XGBoost's and HistGradientBoosting's defaults: 100 trees at 0.1-0.3 on every row, no held-out share.
        yield return ("gbdt_100", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with { Iterations = 100, LearningRate = 0.1, EarlyStoppingRounds = 0 }));
        // Leaf sizes for small tables: XGBoost's rule (a leaf needs a hessian sum of 1, no row count) and a row count scaled to 1% of the rows.
        var xgbLeaf = new Dictionary<string, string> { ["min_data_in_leaf"] = "1", ["min_sum_hessian_in_leaf"] = "1" };
        yield return ("gbdt_es_xgb_leaf", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with { Extra = xgbLeaf }));
        yield return ("gbdt_100_xgb_leaf", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with { Iterations = 100, LearningRate = 0.1, EarlyStoppingRounds = 0, Extra = xgbLeaf }));
        yield return ("gbdt_es_leaf_1pct", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with { MinDataInLeaf = Math.Clamp(x.Rows / 100, 2, 20) }));
        yield return ("gbdt_100_leaf_1pct", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with { Iterations = 100, LearningRate = 0.1, EarlyStoppingRounds = 0, MinDataInLeaf = Math.Clamp(x.Rows / 100, 2, 20) }));
        // XGBoost's own defaults in LightGBM's terms: depth 6, eta 0.3, 100 rounds, lambda 1, a leaf needs a hessian sum of 1.
        var xgbDefaults = new Dictionary<string, string> { ["min_data_in_leaf"] = "0", ["min_sum_hessian_in_leaf"] = "1", ["lambda_l2"] = "1", ["max_bin"] = "256" };
        yield return ("gbdt_xgb_defaults", (x, y) => GradientBoostingLearner.Fit(x, y, task, gbdt with
        {
            Iterations = 100, LearningRate = 0.3, EarlyStoppingRounds = 0, MaxDepth = 6, NumLeaves = 64, Extra = xgbDefaults,
        }));
        yield return ("random_forest", (x, y) => GradientBoostingLearner.Fit(x, y, task, GradientBoostingOptions.RandomForest with { NumThreads = threads }));
        // 5-fold cross-validation over the default candidates, the winner refitted: several fits, so not comparable one to one.
        yield return ("auto", (x, y) => TabularAuto.Run(x, y, task, new TabularAutoOptions(NumThreads: threads)).Model);
        if (task.IsClassification)
        {
            yield return ("logistic", (x, y) => LinearLearner.Fit(x, y, task, LinearOptions.Logistic));
            yield return ("linear_svm", (x, y) => LinearLearner.Fit(x, y, task, LinearOptions.Svm));
        }
        else
        {
            yield return ("ridge", (x, y) => LinearLearner.Fit(x, y, task, LinearOptions.Ridge));
        }
    }

    // A header of feature names and `label` last; plain numbers (the data side's CSV reader replaces this once it lands).
    private static (FeatureMatrix X, float[] Y) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        int f = header.Length - 1;
        var values = new float[(lines.Length - 1) * f];
        var labels = new float[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            for (int j = 0; j < f; j++) values[(i - 1) * f + j] = float.Parse(cells[j], CultureInfo.InvariantCulture);
            labels[i - 1] = float.Parse(cells[f], CultureInfo.InvariantCulture);
        }
        return (new FeatureMatrix(values, lines.Length - 1, header[..f]), labels);
    }
}
