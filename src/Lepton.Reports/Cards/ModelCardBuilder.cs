using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Reports.Lineage;
using Lepton.Reports.Statistics;
using Lepton.Runtime;

namespace Lepton.Reports.Cards;

/// <summary>What a card may add that the registry does not know: the stated purpose, and the bootstrap settings of its intervals.</summary>
public sealed record ModelCardOptions(string? Purpose = null, int Resamples = 1000, ulong Seed = 42, double Level = 0.95, int Weakest = 3)
{
    /// <summary>A yes/no table model's groups to measure for the card (none by default), on the test rows of <see cref="GroupsData"/>.</summary>
    public Runtime.Tables.GroupOptions Groups { get; init; } = Runtime.Tables.GroupOptions.None;

    /// <summary>The table version (NAME@V) the groups are measured on; required with <see cref="Groups"/>.</summary>
    public string? GroupsData { get; init; }
}

/// <summary>
/// Builds a <see cref="ModelCard"/> for a registered version: the signature from the model itself, lineage from the registry
/// (<see cref="LineageLoader"/>), metrics from the folder's evaluation.json (intervals by bootstrap over its confusion matrix:
/// the (true, predicted) pairs are all accuracy and F1 depend on, so resampling them is resampling the held-out examples),
/// and the derivation chain from each model.json's quantization, compression, LoRA and parent_model records.
/// </summary>
public static class ModelCardBuilder
{
    /// <summary>Parent models followed at most when tracing how a model was derived.</summary>
    public const int MaxDerivationSteps = 8;

    public static async Task<ModelCard> BuildAsync(ModelRegistry registry, string reference, ModelCardOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        options ??= new ModelCardOptions();
        var resolved = await registry.ResolveAsync(reference, ct);
        var version = resolved.Version ?? throw new ArgumentException($"{reference} is a folder; model cards describe registered versions (lepton models register NAME --from {reference}).");
        PredictorSignature signature;
        string kind;
        using (var predictor = PredictorLoader.Default.Load(resolved.Folder))
        {
            signature = predictor.Signature;
            kind = predictor.Kind;
        }
        var metadata = Metadata(resolved.Folder);
        var lineage = await LineageLoader.LoadAsync(version.Model, resolved.Folder, version, registry.Store, ct);
        var aliases = (await registry.Store.ListAliasesAsync(version.Model, ct)).Where(a => a.Version == version.Version).Select(a => a.Alias).ToList();
        var evaluation = ReadEvaluation(resolved.Folder);
        var (metrics, classes, confusions, examples, note) = Evaluate(evaluation, version.MetricsJson, options);
        var weakest = classes.OrderBy(c => double.IsNaN(c.F1) ? double.MaxValue : c.F1).Take(options.Weakest).ToList();
        var derivation = await DerivationAsync(registry, metadata, version.Model + "@" + version.Version, ct);
        string task = (signature.IsClassifier ? $"classification into {signature.ClassNames.Count} classes"
            : signature.Task is { } t ? TaskSpec.NameOf(t.Kind) + BinaryDecision(t, signature.ClassNames, metadata) + RegressionEstimate(t) + Monotone(metadata) + Columns(metadata) : signature.Kind.ToString())
            + Calibrated(metadata) + Intervals(metadata);
        string inputs = DescribeInputs(resolved.Folder, signature);
        string purpose = options.Purpose ?? Text(metadata, "description") ?? DefaultPurpose(signature, inputs, lineage.TrainedOn);
        var card = new ModelCard(version.Model, version.Version, kind, task, purpose, inputs, signature.ClassNames, version.ArchitectureSummary,
            version.CreatedAt, version.CreatedBy, aliases, lineage with { Folder = "" }, examples, metrics, weakest, confusions, derivation, [], note);
        if (options.Groups.Columns.Count > 0)
        {
            string data = options.GroupsData ?? throw new ArgumentException("--groups measures the groups on a table data set's test rows; name it with --data NAME@V.");
            var table = await Registry.Datasets.Tables.TableDatasets.LoadAsync(registry.Store, registry.Artifacts, Registry.References.DatasetReference.Parse(data), ct);
            var groups = await Tables.TableFairness.DecisionsAsync(new ReportModel(card.Display, resolved.Folder, version), table, options.Groups, registry.Store, ct);
            card = card with { Groups = groups, GroupsData = $"{table.Version.Name}@{table.Version.Version}" };
        }
        return card with { Limits = Limits(card, signature, options, metadata) };
    }

    // A yes/no model's decision: which class from which probability, and how that threshold was set when training chose it.
    private static string BinaryDecision(TaskSpec task, IReadOnlyList<string> classes, JsonObject? metadata)
    {
        if (task.Kind != TaskKind.Binary || classes.Count != 2) return "";
        var choice = Training.Classic.ThresholdChoice.FromJson(metadata?["decision_threshold"]);
        string how = choice is { Source: not "given" } c ? $", chosen for {c.Rule} on {c.Source}" : "";
        string weights = metadata?["class_weight"]?.GetValue<string>() is { } w and not "none" ? $"; rows weighed by class ({w})" : "";
        return string.Create(CultureInfo.InvariantCulture, $": '{classes[1]}' from a probability of {task.Threshold:0.####}{how}{weights}");
    }

    // A regressor trained with another loss than squared error says what its number estimates (a median, a quantile, a count's mean).
    private static string RegressionEstimate(TaskSpec task) =>
        task is { Kind: TaskKind.Regression, Loss: { } loss } ? $": {Lepton.NN.Tasks.RegressionLoss.Parse(loss).Estimates}, trained with the {loss} loss" : "";

    // Columns the answer may only rise or only fall with, and whether it is a sum of one curve per column, as trained (model.json's
    // metadata.monotone and metadata.additive).
    private static string Monotone(JsonObject? metadata) =>
        (metadata?["monotone"]?.GetValue<string>() is { } m and not "none"
            ? "; " + string.Join(", ", Training.Classic.MonotoneConstraints.Parse(m).Directions.Select(d => $"never {(d.Value > 0 ? "falls" : "rises")} as {d.Key} grows"))
            : "")
        + (metadata?["additive"] is JsonValue a && a.TryGetValue(out bool additive) && additive ? "; additive: a sum of one curve per column" : "");

    // How the probabilities were calibrated (model.json's metadata.calibration), so a reader knows they mean rates.
    private static string Calibrated(JsonObject? metadata) =>
        metadata?["calibration"] is JsonObject c && c["method"]?.GetValue<string>() is { } method
            ? string.Create(CultureInfo.InvariantCulture, $"; probabilities calibrated ({method}, on {c["rows"]?.GetValue<int>() ?? 0:N0} rows of {c["source"]?.GetValue<string>() ?? "held-out predictions"})")
            : "";

    // The conformal intervals or sets it answers with (model.json's metadata.intervals), so a reader knows what they promise.
    private static string Intervals(JsonObject? metadata) =>
        metadata?["intervals"] is JsonObject i && i["level"]?.GetValue<double>() is { } level
            ? string.Create(CultureInfo.InvariantCulture, $"; each answer comes with a conformal {(i["score"]?.GetValue<string>() == "probability" ? "prediction set" : "interval")} holding the truth {Lepton.Runtime.Conformal.ConformalIntervals.Percent(level)} of the time on rows like {i["rows"]?.GetValue<int>() ?? 0:N0} rows of {i["source"]?.GetValue<string>() ?? "held-out predictions"}")
              + (i["method"]?.GetValue<string>() == "quantiles" ? " (the band of two quantile models, as wide as each row's spread)" : "")
            : "";

    // The columns training kept out (and reads no longer), the column its rows were reweighed by, and the one they were weighted by.
    private static string Columns(JsonObject? metadata) =>
        (Excluded(metadata) is { Count: > 0 } excluded ? $"; kept from {string.Join(", ", excluded)} (excluded at training)" : "")
        + (metadata?["reweigh"]?.GetValue<string>() is { } by ? $"; training rows reweighed so the label does not depend on {by}" : "")
        + (metadata?["weight_column"]?.GetValue<string>() is { } weight ? $"; each training row counted as much as its {weight}" : "");

    private static IReadOnlyList<string> Excluded(JsonObject? metadata) =>
        metadata?["excluded"] is JsonArray names ? [.. names.Select(n => n?.GetValue<string>()).OfType<string>()] : [];

    private static string DefaultPurpose(PredictorSignature signature, string inputs, string? data) =>
        (signature.IsClassifier
            ? $"Sorts {inputs} into one of {signature.ClassNames.Count} classes ({string.Join(", ", signature.ClassNames.Take(12))}{(signature.ClassNames.Count > 12 ? ", …" : "")})"
            : $"Answers {signature.Kind} for {inputs}")
        + (data is null ? "." : $", as learned from {data}.") + " (No purpose was recorded; pass --purpose to state the intended use.)";

    private static string DescribeInputs(string folder, PredictorSignature signature)
    {
        if (File.Exists(Path.Combine(folder, "tokenizer.json"))) return "texts (tokenized with the model's own tokenizer.json)";
        return string.Join(" and ", signature.Inputs.Select(i => i.Image is { } policy && i.ExampleShape.Length == 3
            ? $"{(i.ExampleShape[0] == 1 ? "gray" : "colour")} images of {i.ExampleShape[2]}×{i.ExampleShape[1]} pixels (other sizes: {policy.ToString().ToLowerInvariant()})"
            : i.ExampleShape.Length == 1 ? $"table rows of {i.ExampleShape[0]} features" : $"'{i.Name}' tensors {i.BatchShapeText} {i.DType}"));
    }

    private static (List<CardMetric>, List<CardClass>, List<CardConfusion>, long?, string?) Evaluate(JsonObject? evaluation, string registryMetrics, ModelCardOptions options)
    {
        var metrics = new List<CardMetric>();
        var classes = new List<CardClass>();
        var confusions = new List<CardConfusion>();
        if (evaluation is null)
        {
            foreach (var (name, value) in RegistryMetrics(registryMetrics)) metrics.Add(new CardMetric(name, value, null));
            return (metrics, classes, confusions, null, $"The version has no {ModelFolderFiles.Evaluation}: the metrics are those recorded at registration, without intervals.");
        }
        long? count = evaluation["count"] is JsonValue c && c.TryGetValue(out long n) ? n : null;
        if (evaluation["classes"] is JsonArray cls)
            foreach (var node in cls.OfType<JsonObject>())
                classes.Add(new CardClass(Text(node, "name") ?? "?", Number(node, "precision"), Number(node, "recall"), Number(node, "f1"),
                    node["support"] is JsonValue s && s.TryGetValue(out long support) ? support : 0));
        var matrix = evaluation["confusion_matrix"] is JsonArray rows
            ? rows.Select(r => (r as JsonArray)?.Select(v => v is JsonValue x && x.TryGetValue(out long l) ? l : 0).ToArray() ?? []).ToArray() : null;
        if (matrix is { Length: > 0 } && matrix.All(r => r.Length == matrix.Length))
        {
            var (predicted, actual) = Pairs(matrix);
            var intervals = Bootstrap.ClassificationIntervals(predicted, actual, matrix.Length, options.Resamples, options.Seed, options.Level);
            foreach (var name in Bootstrap.Metrics) metrics.Add(new CardMetric(name, intervals[name].Estimate, intervals[name]));
            string Name(int i) => i < classes.Count ? classes[i].Name : $"class {i}";
            for (int a = 0; a < matrix.Length; a++)
            {
                long total = matrix[a].Sum();
                for (int p = 0; p < matrix.Length; p++)
                    if (p != a && matrix[a][p] > 0) confusions.Add(new CardConfusion(Name(a), Name(p), matrix[a][p], total == 0 ? 0 : (double)matrix[a][p] / total));
            }
            confusions = [.. confusions.OrderByDescending(x => x.Count).ThenBy(x => x.Actual, StringComparer.Ordinal).Take(options.Weakest)];
        }
        else if (evaluation["metrics"] is JsonObject taskMetrics)
        {
            foreach (var (name, value) in taskMetrics)
                if (value is JsonValue v && v.TryGetValue(out double d)) metrics.Add(new CardMetric(name, d, null));
        }
        if (evaluation["loss"] is JsonValue lossValue && lossValue.TryGetValue(out double loss) && double.IsFinite(loss)) metrics.Add(new CardMetric("loss", loss, null));
        return (metrics, classes, confusions, count, null);
    }

    // The confusion matrix (rows true, columns predicted) back to one (predicted, true) pair per example.
    private static (int[] Predicted, int[] Actual) Pairs(long[][] matrix)
    {
        long n = matrix.Sum(r => r.Sum());
        if (n > 10_000_000) throw new InvalidDataException($"evaluation.json counts {n:N0} examples; a card bootstraps at most 10,000,000.");
        var predicted = new int[n];
        var actual = new int[n];
        int i = 0;
        for (int a = 0; a < matrix.Length; a++)
            for (int p = 0; p < matrix.Length; p++)
                for (long k = 0; k < matrix[a][p]; k++, i++)
                {
                    predicted[i] = p;
                    actual[i] = a;
                }
        return (predicted, actual);
    }

    private static IEnumerable<(string Name, double Value)> RegistryMetrics(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            yield break;
        }
        if (node is not JsonObject o) yield break;
        foreach (var (name, value) in o)
            if (value is JsonValue v && v.TryGetValue(out double d)) yield return (name, d);
    }

    // The model's own record, then each parent model's, as long as the parent is a registered version.
    private static async Task<List<CardCompressionStep>> DerivationAsync(ModelRegistry registry, JsonObject? metadata, string model, CancellationToken ct)
    {
        var steps = new List<CardCompressionStep>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { model };
        while (metadata is not null && steps.Count < MaxDerivationSteps)
        {
            var step = StepOf(metadata, model);
            if (step is null) break;
            steps.Add(step);
            string parent = step.From;
            if (parent.Contains(',', StringComparison.Ordinal) || !seen.Add(parent)) break;
            try
            {
                var resolved = await registry.ResolveAsync(parent, ct);
                metadata = Metadata(resolved.Folder);
                model = parent;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or IOException)
            {
                break;
            }
        }
        return steps;
    }

    private static CardCompressionStep? StepOf(JsonObject m, string model)
    {
        if (m["quantization"] is JsonObject q)
            return new CardCompressionStep(model, "int8 quantization", Text(q, "source_model") ?? Text(m, "parent_model") ?? "?",
                Join(("calibration", Text(q, "calibration")), ("method", Text(q, "method")), ("weights", Text(q, "weights")), ("activations", Text(q, "activations"))));
        if (m["compression"] is JsonObject c)
            return new CardCompressionStep(model, Text(c, "method") ?? "compression", Text(m, "parent_model") ?? "?",
                Join(("sparsity", Value(c, "sparsity")), ("teachers", c["teachers"] is JsonArray t ? string.Join(", ", t.Select(x => x?.ToString())) : null),
                    ("temperature", Value(c, "temperature")), ("alpha", Value(c, "alpha")), ("fine-tune epochs", Value(c, "fine_tune_epochs"))));
        if (m["lora"] is JsonObject lora)
            return new CardCompressionStep(model, "LoRA adapters", Text(m, "parent_model") ?? "?", Join(("rank", Value(lora, "rank")), ("alpha", Value(lora, "alpha")),
                ("targets", lora["targets"] is JsonArray t ? string.Join(", ", t.Select(x => x?.ToString())) : null)));
        if (Text(m, "parent_model") is { } parent)
            return new CardCompressionStep(model, "fine-tuned / transferred", parent, Text(m, "model_source") ?? "");
        return null;
    }

    private static List<string> Limits(ModelCard card, PredictorSignature signature, ModelCardOptions options, JsonObject? metadata)
    {
        var limits = new List<string>();
        limits.Add(card.Lineage.TrainedOn is { } data
            ? $"Learned only from {data}; inputs unlike that data (other sources, devices, populations) are outside what was measured."
            : "The training data set is not recorded; nothing is known about what inputs it covers.");
        if (signature.IsClassifier)
            limits.Add($"Knows only its {signature.ClassNames.Count} classes; an input of any other kind is still forced into one of them, often with high confidence.");
        if (card.Metrics.FirstOrDefault(m => m.Name == "accuracy") is { Interval: { } acc } && double.IsFinite(acc.Low))
            limits.Add(string.Create(CultureInfo.InvariantCulture,
                $"Held-out accuracy is known to ±{(acc.High - acc.Low) * 50:0.0} points ({options.Level:P0} interval over {card.EvaluatedExamples:N0} examples); smaller differences between models are not evidence."));
        if (card.WeakestClasses.Count > 0 && card.Metrics.FirstOrDefault(m => m.Name == "macro_f1") is { } macro
            && card.WeakestClasses[0] is { } weak && weak.F1 < macro.Value - 0.05)
            limits.Add(string.Create(CultureInfo.InvariantCulture, $"Weakest on '{weak.Name}' (F1 {weak.F1:0.000} against a macro F1 of {macro.Value:0.000}); check predictions of that class by hand."));
        if (card.Derivation.Any(s => s.Method.Contains("quantization", StringComparison.Ordinal)))
            limits.Add("Quantized to int8: a few predictions differ from the float model it came from.");
        if (card.EvaluationNote is not null) limits.Add("No held-out evaluation file: run lepton eval on a test split before relying on it.");
        if (Excluded(metadata) is { Count: > 0 } excluded)
            limits.Add($"Kept from {string.Join(", ", excluded)}, yet other columns may carry them (lepton data inspect --sensitive {string.Join(",", excluded)} names those): " +
                       "not reading a column does not make the decisions alike across its groups.");
        foreach (var g in card.Groups.Where(g => g.FailsFourFifths))
            limits.Add(string.Create(CultureInfo.InvariantCulture,
                $"By '{g.Column}', '{g.Favorable}' goes to the least-favored group at {g.SelectionRatio:0.00} times the rate of the most-favored one on {card.GroupsData}'s test rows, under the four-fifths rule's 0.8."));
        limits.Add(card.Groups.Count > 0
            ? "Calibration and robustness to shifted inputs are not in this card; groups other than those above were not compared. See lepton eval --report and lepton monitor --groups."
            : "Calibration, fairness across groups and robustness to shifted inputs are not in this card; see lepton eval --report (--groups COLUMN for a table model's groups) and lepton monitor.");
        return limits;
    }

    private static string Join(params (string Key, string? Value)[] items) =>
        string.Join(", ", items.Where(i => !string.IsNullOrEmpty(i.Value)).Select(i => $"{i.Key} {i.Value}"));

    private static JsonObject? ReadEvaluation(string folder) => ModelFolderJson.Read(Path.Combine(folder, ModelFolderFiles.Evaluation));

    private static JsonObject? Metadata(string folder) => ModelFolderJson.Metadata(folder);

    private static string? Text(JsonObject? o, string key) => ModelFolderJson.Text(o, key);

    private static string? Value(JsonObject o, string key) => o[key] is JsonValue v ? v.ToJsonString().Trim('"') : null;

    private static double Number(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;
}
