using Lepton.Data.Profiles;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Engine;

namespace Lepton.Runtime.Tables;

/// <summary>One raw column a table model takes: its name, its kind and the protocol datatype a client sends it as.</summary>
public sealed record TableColumnInput(string Name, ColumnKind Kind, string Datatype);

/// <summary>
/// Turns raw table rows (column name → value) into a table model's <c>features</c> input exactly as training did, by replaying the
/// folder's <c>encoders.json</c>; sums feature contributions back to raw columns; carries the folder's tabular reference for drift.
/// One encoder per served table model (LightGBM boosters and linear models alike).
/// </summary>
/// <remarks>
/// Rules (see docs/tables.md): a feature column that is absent or null is missing and imputed by its encoder (trees: NaN, LightGBM's
/// learned default branch; linear: the training median, or the most frequent category); a category never seen in training goes to
/// the unknown bucket; keys that are not feature columns are ignored (servers report them); a value of the wrong type is an
/// <see cref="ArgumentException"/> naming the column. Sizes are bounded: <see cref="MaxCellChars"/> per value and
/// <see cref="MaxKeysPerRow"/> keys per row.
/// </remarks>
public sealed class TableInputEncoder
{
    /// <summary>The longest text a single cell may hold; longer values are refused before they are copied.</summary>
    public const int MaxCellChars = 16 * 1024;

    private readonly int[] _columnOf;
    private readonly IReadOnlyList<(int Column, int First, IReadOnlyList<string> Terms)> _textColumns;
    private readonly bool[] _nanAllowed;
    private readonly HashSet<string> _columnSet;
    private readonly IFeatureContributor? _folderContributor;

    private TableInputEncoder(EncoderSet encoders, TableReferenceProfile? reference, IFeatureContributor? contributor, IReadOnlyList<string> outputNames)
    {
        Encoders = encoders;
        Reference = reference;
        _folderContributor = contributor;
        OutputNames = outputNames;
        Columns = [.. encoders.Encoders.Select(e => new TableColumnInput(e.Column, e.Kind, DatatypeOf(e.Kind)))];
        _columnSet = new HashSet<string>(encoders.Encoders.Select(e => e.Column), StringComparer.Ordinal);
        _columnOf = new int[encoders.FeatureNames.Count];
        _nanAllowed = new bool[encoders.FeatureNames.Count];
        int at = 0;
        var text = new List<(int, int, IReadOnlyList<string>)>();
        for (int c = 0; c < encoders.Encoders.Count; c++)
        {
            var e = encoders.Encoders[c];
            if (e is TextEncoder t) text.Add((c, at, t.Terms));
            for (int j = 0; j < e.Width; j++, at++)
            {
                _columnOf[at] = c;
                // Trees read NaN as missing in every value feature; a missing indicator and linear features are always finite.
                _nanAllowed[at] = encoders.Mode == EncoderMode.Trees && !(e.MissingIndicator && j == e.Width - 1);
            }
        }
        _textColumns = text;
        MaxKeysPerRow = Math.Max(1024, 4 * Columns.Count);
    }

    /// <summary>metadata.kind of a Lepton network table model that explains itself (<c>linear</c> or <c>mlp</c>); null for other kinds.</summary>
    public string? ModelKind { get; private init; }

    /// <summary>The fitted encoders (encoders.json).</summary>
    public EncoderSet Encoders { get; }

    /// <summary>The raw columns, in encoder order.</summary>
    public IReadOnlyList<TableColumnInput> Columns { get; }

    /// <summary>The most keys one row may carry (model columns and ignored ones together).</summary>
    public int MaxKeysPerRow { get; }

    /// <summary>The training table's per-column reference (reference.json's table section); null when the folder has none.</summary>
    public TableReferenceProfile? Reference { get; }

    /// <summary>What each raw output is called in contributions: class names (multiclass), the positive class (binary), <c>value</c> (regression).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>True when <paramref name="name"/> is one of the model's raw columns.</summary>
    public bool IsColumn(string name) => _columnSet.Contains(name);

    /// <summary>
    /// Columns the model does not read but the request log keeps (model.json's <c>metadata.excluded</c>: the columns training kept
    /// out, which <c>lepton monitor --groups</c> compares the answers across); empty for most models.
    /// </summary>
    public IReadOnlyList<string> LoggedColumns { get; private init; } = [];

    /// <summary>True when <paramref name="name"/> is not read by the model but kept in the request log (<see cref="LoggedColumns"/>).</summary>
    public bool IsLogged(string name) => LoggedColumns.Contains(name, StringComparer.Ordinal);

    /// <summary>The protocol datatype a column kind is sent as: FP64 numbers, BOOL booleans, BYTES for categories and ISO 8601 times.</summary>
    public static string DatatypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "FP64",
        ColumnKind.Boolean => "BOOL",
        _ => "BYTES",
    };

    /// <summary>
    /// The encoder of a model folder holding <c>encoders.json</c>, or null when it holds none (not a table model). Throws
    /// <see cref="InvalidDataException"/> when the encoders and the model's input do not fit together.
    /// </summary>
    public static TableInputEncoder? TryLoad(string folder, PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(signature);
        string path = Path.Combine(folder, EncoderSet.FileName);
        if (!File.Exists(path)) return null;
        EncoderSet encoders;
        try
        {
            encoders = EncoderSet.Load(path);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        int width = encoders.FeatureNames.Count;
        if (signature.Inputs is not [{ DType: DType.Float32, ExampleShape: [var f] }] || f != width)
            throw new InvalidDataException(
                $"The folder has {EncoderSet.FileName} writing {width} features, but the model's inputs are {string.Join(", ", signature.Inputs.Select(i => $"'{i.Name}' {i.DType} {i.BatchShapeText}"))}; retrain to rebuild them together.");
        // A LightGBM folder names its features too: the encoders must write them in the booster's order.
        string lightGbmSpec = Path.Combine(folder, NN.Serialization.ModelFile.SpecFileName);
        if (File.Exists(Path.Combine(folder, LightGbm.LightGbmModelFolder.ModelTextFile)) && File.Exists(lightGbmSpec)
            && !LightGbm.LightGbmModelFolder.ReadSpec(File.ReadAllText(lightGbmSpec), lightGbmSpec).FeatureNames.SequenceEqual(encoders.FeatureNames, StringComparer.Ordinal))
            throw new InvalidDataException($"model.json's feature_names differ from {EncoderSet.FileName}'s features; retrain to rebuild them together.");
        // A Lepton network explains itself from model.json: exactly (linear) or by integrated gradients (MLP).
        var linear = LinearContributions.TryLoad(folder);
        var mlp = linear is null ? MlpContributions.TryLoad(folder) : null;
        var names = linear?.FeatureNames ?? mlp?.FeatureNames;
        if (names is not null && !names.SequenceEqual(encoders.FeatureNames, StringComparer.Ordinal))
            throw new InvalidDataException($"model.json's feature names differ from {EncoderSet.FileName}'s; retrain to rebuild them together.");
        var reference = ReferenceProfile.Load(folder)?.Table;
        return new TableInputEncoder(encoders, reference, (IFeatureContributor?)linear ?? mlp, OutputNamesOf(signature))
        {
            ModelKind = linear is not null ? "linear" : mlp is not null ? MlpContributions.KindName : null,
            LoggedColumns = LoggedColumnsOf(folder),
        };
    }

    // model.json's metadata.excluded and metadata.weight_column (strings only, a handful at most): columns the model does not read
    // but the log keeps, for group monitoring and feedback rows; none when the file or the keys are absent or unreadable.
    private static IReadOnlyList<string> LoggedColumnsOf(string folder)
    {
        string path = Path.Combine(folder, NN.Serialization.ModelFile.SpecFileName);
        if (!File.Exists(path) || new FileInfo(path).Length > 16 << 20) return [];
        try
        {
            var metadata = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["metadata"];
            static string? Text(System.Text.Json.Nodes.JsonNode? n) => n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : null;
            IEnumerable<string?> names = metadata?["excluded"] is System.Text.Json.Nodes.JsonArray excluded ? excluded.Select(Text) : [];
            return [.. names.Append(Text(metadata?["weight_column"])).OfType<string>().Where(n => n.Length <= MaxCellChars).Distinct(StringComparer.Ordinal).Take(64)];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private static IReadOnlyList<string> OutputNamesOf(PredictorSignature signature)
    {
        int k = signature.Outputs[0].ExampleShape is [var n] ? n : 1;
        var classes = signature.ClassNames;
        if (classes.Count == k) return classes;
        if (k == 1 && classes.Count == 2) return [classes[1]];
        return k == 1 ? ["value"] : [.. Enumerable.Range(0, k).Select(i => $"output_{i}")];
    }

    /// <summary>Rows (column → value) as the encoded feature matrix (N, F); a wrong value is an <see cref="ArgumentException"/> naming the row and column.</summary>
    public FeatureMatrix Encode(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("No rows to encode; send at least one.");
        // A table holding every column the model reads, typed as it reads them: encoded column by column, in parallel.
        if (rows is TableRowView view && Encoders.Columns.All(view.Table.HasColumn)) return Encoders.Transform(view.Table);
        try
        {
            return Encoders.Transform(rows);
        }
        catch (ArgumentException) when (rows.Count > 1)
        {
            // Name the row in the message: encode one at a time, only on this error path.
            for (int i = 0; i < rows.Count; i++)
            {
                try
                {
                    Encoders.Transform([rows[i]]);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Row {i}: {e.Message}", e);
                }
            }
            throw;
        }
    }

    /// <summary>The features of <paramref name="rows"/> as the model's input tensor (N, F) float32.</summary>
    public static Tensor ToTensor(FeatureMatrix rows) => Tensor.FromArray(rows.Values, rows.Rows, rows.Columns);

    /// <summary>The features of an already-encoded (N, F) tensor, named as the encoders name them.</summary>
    public FeatureMatrix FromTensor(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var values = features.DType == DType.Float32 ? features.Contiguous().ToArray() : features.To(DType.Float32).Contiguous().ToArray();
        return new FeatureMatrix(values, features.Shape[0], Encoders.FeatureNames, Encoders.CategoricalFeatures);
    }

    /// <summary>
    /// For the single-tensor form: the first encoded value that no row encoded by these encoders can hold (NaN in a feature that is
    /// never missing, such as a linear model's standardized value or a missing indicator; an infinity anywhere), or null when all fit.
    /// </summary>
    public string? CheckEncoded(ReadOnlySpan<float> features)
    {
        int f = _nanAllowed.Length;
        for (int i = 0; i < features.Length; i++)
        {
            float v = features[i];
            if (float.IsInfinity(v))
                return $"feature '{Encoders.FeatureNames[i % f]}' of row {i / f} is {(v > 0 ? "Infinity" : "-Infinity")}; encoded features are finite (NaN marks a missing tree feature).";
            if (float.IsNaN(v) && !_nanAllowed[i % f])
                return $"feature '{Encoders.FeatureNames[i % f]}' of row {i / f} is NaN, which this model's encoders never write there; send the raw row to impute it instead.";
        }
        return null;
    }

    /// <summary>
    /// Contributions of each raw column to each raw output of <paramref name="rows"/>, by TreeSHAP (LightGBM), exactly (linear) or by
    /// integrated gradients (MLP);
    /// throws <see cref="NotSupportedException"/> when the predictor explains nothing.
    /// </summary>
    public ColumnContributions Contributions(IPredictor predictor, FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        // A calibrated model is explained by the model beneath: a yes/no model's Platt sigmoid or a temperature rescales its logits, so
        // its contributions are rescaled with them; any other calibration is a non-linear map, and they explain the score before it.
        var calibration = (predictor as Calibration.CalibratedPredictor)?.Calibration;
        if (predictor is Calibration.CalibratedPredictor calibrated) predictor = calibrated.Inner;
        // A regressor's answer is explained, not the band of its intervals.
        if (predictor is Conformal.IntervalBandPredictor banded) predictor = banded.Inner;
        var contributor = predictor as IFeatureContributor ?? _folderContributor
            ?? throw new NotSupportedException($"A {predictor.Kind} model gives no feature contributions; tree (LightGBM), linear and MLP table models do.");
        var features = contributor.Contributions(rows);
        var rescaled = calibration?.Rescale(features);
        if (rescaled is not null) features = rescaled;
        return ColumnContributions.Sum(features, [.. Columns.Select(c => c.Name)], _columnOf, OutputNames) with
        {
            Features = features, TextColumns = _textColumns, Inputs = rows, LogScale = predictor.Signature.Task?.LogLink == true,
            BeforeCalibration = calibration is not null && rescaled is null,
        };
    }
}
