using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// The column encoders that travel with a tabular model: fitted on the training rows only, they turn a <see cref="Table"/>
/// or request rows into the <see cref="FeatureMatrix"/> learners use, identically at training and at predict time, and
/// are saved as <c>encoders.json</c> (<see cref="ToJson"/>; loading gives bit-identical transforms).
/// </summary>
/// <remarks>
/// Rules at predict time:
/// <list type="bullet">
/// <item>Rows (<see cref="Transform(IReadOnlyList{IReadOnlyDictionary{string, object}})"/>): a feature column that is
/// absent or null is a missing value (imputed in linear mode, NaN for trees); keys that are not feature columns (the
/// label, ids, anything else) are ignored.</item>
/// <item>Tables (<see cref="Transform(Table)"/>): every feature column must be present (a file without one is an error
/// naming it); other columns are ignored. Read predict files with <see cref="InputSchema"/> pinned so kinds match.</item>
/// <item>A category not seen in training goes to the unknown bucket; a value of the wrong type (text for a number,
/// a number for a date) is an <see cref="ArgumentException"/> naming the column.</item>
/// </list>
/// </remarks>
public sealed partial class EncoderSet
{
    public EncoderSet(EncoderMode mode, IReadOnlyList<ColumnEncoder> encoders)
    {
        ArgumentNullException.ThrowIfNull(encoders);
        if (encoders.Count == 0) throw new ArgumentException("An encoder set needs at least one column.", nameof(encoders));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in encoders)
        {
            if (e.Mode != mode) throw new ArgumentException($"Column '{e.Column}' is encoded for {e.Mode} but the set is for {mode}.", nameof(encoders));
            if (!seen.Add(e.Column)) throw new ArgumentException($"Column '{e.Column}' has two encoders.", nameof(encoders));
        }
        Mode = mode;
        Encoders = encoders;
        var names = new List<string>();
        var categorical = new List<int>();
        var offsets = new int[encoders.Count];
        for (int i = 0; i < encoders.Count; i++)
        {
            offsets[i] = names.Count;
            categorical.AddRange(encoders[i].CategoricalFeatures.Select(k => names.Count + k));
            names.AddRange(encoders[i].FeatureNames);
        }
        _offsets = offsets;
        FeatureNames = names;
        CategoricalFeatures = categorical;
    }

    private readonly int[] _offsets;

    public EncoderMode Mode { get; }

    public IReadOnlyList<ColumnEncoder> Encoders { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public IReadOnlyList<int> CategoricalFeatures { get; }

    /// <summary>The input columns, in order.</summary>
    public IReadOnlyList<string> Columns => [.. Encoders.Select(e => e.Column)];

    /// <summary>The kinds of the input columns, to pin when reading a file to predict on.</summary>
    public TableSchema InputSchema => new([.. Encoders.Select(e => new ColumnSpec(e.Column, e.Kind))]);

    /// <summary>Fits one encoder per column of <paramref name="columns"/> on <paramref name="train"/>.</summary>
    public static EncoderSet Fit(Table train, IReadOnlyList<string> columns, EncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(columns);
        options ??= new EncoderOptions();
        options.Validate();
        if (columns.Count == 0) throw new ArgumentException("No feature columns to encode; name at least one.", nameof(columns));
        // Columns fit independently: in parallel, kept in column order; a column that cannot be encoded fails the fit with the
        // error of the first such column, as a sequential fit would.
        var encoders = new ColumnEncoder[columns.Count];
        var errors = new Exception?[columns.Count];
        Parallel.For(0, columns.Count, i =>
        {
            try { encoders[i] = FitColumn(train, columns[i], options); }
            catch (Exception e) { errors[i] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return new EncoderSet(options.Mode, encoders);
    }

    private static ColumnEncoder FitColumn(Table train, string name, EncoderOptions options)
    {
        var c = train[name];
        // Imputing hides that a value was missing, which can itself predict the label (an income left blank); trees see NaN itself.
        bool indicator = options.MissingIndicators ?? (options.Mode == EncoderMode.Linear && c.MissingCount() > 0);
        return c.Kind switch
            {
                ColumnKind.Numeric or ColumnKind.Boolean => NumericEncoder.Fit(c, options.Mode, indicator),
                ColumnKind.Categorical => CategoricalEncoder.Fit(c, options.Mode, indicator, options.MaxCategories),
                ColumnKind.DateTime => DateTimeEncoder.Fit(c, options.Mode, indicator, options.Parts),
                ColumnKind.Text => TextEncoder.Fit(c, options.Mode, indicator, options.MaxTextTerms),
                _ => throw new ArgumentException($"Column '{name}' is an identifier (a different value in nearly every row); it predicts nothing for new rows. Leave it out of the features, or pin it categorical if it is not an id."),
            };
    }

    /// <summary>
    /// Fits on the training rows of a (possibly split) table: the train split when <paramref name="splits"/> is given,
    /// every row otherwise; the features are <see cref="TableSchema.FeatureColumns"/> of <paramref name="schema"/>.
    /// </summary>
    public static EncoderSet FitOnTrain(Table table, TableSchema schema, TableSplits? splits = null, EncoderOptions? options = null)
    {
        var train = splits is null ? table : table.Take(splits.RowsOf(ImageSplits.Train));
        if (train.RowCount == 0) throw new ArgumentException("The table has no training rows to fit encoders on; split it with a smaller --test.");
        return Fit(train, schema.WithColumnsOf(table).FeatureColumns(), options);
    }

    /// <summary>Encodes every row of <paramref name="table"/>; each feature column must be present.</summary>
    public FeatureMatrix Transform(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var missing = Encoders.Where(e => !table.HasColumn(e.Column)).Select(e => $"'{e.Column}'").ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"The table lacks the feature column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} the encoders were fitted on; add {(missing.Count == 1 ? "it" : "them")} (empty values are fine).");
        int width = FeatureNames.Count;
        var values = new float[(long)table.RowCount * width];
        var columns = Encoders.Select(e => table[e.Column]).ToArray();
        // Blocks of rows, in parallel: within a block, column by column, so the writes stay within a few hundred kilobytes (a
        // column at a time over every row strides the whole matrix). A bad cell fails with the error a column-by-column pass
        // over every row meets first: the lowest column, then the lowest row, over all blocks.
        int blockRows = Math.Max(1, (1 << 16) / width);
        int blocks = (table.RowCount + blockRows - 1) / blockRows;
        var errors = new (int Column, int Row, Exception Error)?[blocks];
        Parallel.For(0, blocks, b =>
        {
            int start = b * blockRows, end = Math.Min(table.RowCount, start + blockRows), i = 0, r = start;
            try
            {
                for (i = 0; i < Encoders.Count; i++)
                {
                    var e = Encoders[i];
                    for (r = start; r < end; r++) e.EncodeCell(columns[i], r, values.AsSpan(r * width + _offsets[i], e.Width));
                }
            }
            catch (Exception error)
            {
                errors[b] = (i, r, error);
            }
        });
        if (errors.Where(e => e is not null).Select(e => e!.Value).OrderBy(e => e.Column).ThenBy(e => e.Row).FirstOrDefault() is { Error: { } first })
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return new FeatureMatrix(values, table.RowCount, FeatureNames, CategoricalFeatures);
    }

    /// <summary>Encodes rows given as name → value maps (e.g. JSON objects of a request); see the rules in the remarks.</summary>
    public FeatureMatrix Transform(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = FeatureNames.Count;
        var values = new float[(long)rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r] ?? throw new ArgumentException($"Row {r} is null; send an object of column values.", nameof(rows));
            for (int i = 0; i < Encoders.Count; i++)
            {
                var e = Encoders[i];
                row.TryGetValue(e.Column, out var value);
                e.EncodeValue(value, values.AsSpan(r * width + _offsets[i], e.Width));
            }
        }
        return new FeatureMatrix(values, rows.Count, FeatureNames, CategoricalFeatures);
    }
}
