using Lepton.Engine;

namespace Lepton.Data.Text.Batching;

/// <summary>
/// Token sequences with their targets as an <see cref="IDataset"/>: a batch's inputs are Int32 ids (N,T) padded with
/// the pad id to T = the longest sequence in the batch (each cut to <see cref="TextBatchOptions.MaxLength"/> first), its
/// second input (with <see cref="TextBatchOptions.IncludeMask"/>) the float32 mask (N,T); targets are Int32 class ids
/// (N) for single-label data or a float32 multi-hot (N,C) for multi-label data. <see cref="InputShape"/> is (MaxLength),
/// the longest a batch can be.
/// </summary>
public sealed class TokenizedTextDataset : IDataset
{
    private readonly IReadOnlyList<int[]> _sequences;
    private readonly int[]? _classIds;
    private readonly IReadOnlyList<int[]>? _labelSets;
    private readonly int? _keepFirst;

    /// <param name="sequences">Token ids per example (not yet truncated).</param>
    /// <param name="labels">Class ids per example (one each for single-label data; any number for multi-label).</param>
    /// <param name="multiLabel">True for multi-hot targets.</param>
    /// <param name="keepFirstToken">A token id kept at the start when <see cref="TextTruncation.KeepEnd"/> cuts (e.g. [CLS]).</param>
    /// <param name="keepLastToken">A token id kept at the end when <see cref="TextTruncation.KeepStart"/> cuts (e.g. [SEP]).</param>
    public TokenizedTextDataset(IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> labels, IReadOnlyList<string> classNames, bool multiLabel,
        int padId, TextBatchOptions options, int? keepFirstToken = null, int? keepLastToken = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(labels);
        options.Validate();
        if (labels.Count != sequences.Count)
            throw new ArgumentException($"TokenizedTextDataset: {sequences.Count} sequences but {labels.Count} label lists; give one per example.");
        for (int i = 0; i < labels.Count; i++)
        {
            if (!multiLabel && labels[i].Length != 1)
                throw new ArgumentException($"TokenizedTextDataset: example {i} has {labels[i].Length} labels; single-label data needs exactly one (or pass multiLabel: true).");
            foreach (var id in labels[i])
                if ((uint)id >= (uint)classNames.Count) throw new ArgumentException($"TokenizedTextDataset: example {i} has class id {id}, outside 0..{classNames.Count - 1}.");
        }
        _sequences = sequences;
        ClassNames = classNames;
        MultiLabel = multiLabel;
        PadId = padId;
        Options = options;
        _keepFirst = keepFirstToken;
        KeepLast = keepLastToken;
        if (multiLabel) _labelSets = labels;
        else _classIds = [.. labels.Select(l => l[0])];
        InputShape = new Shape(options.MaxLength);
    }

    public int Count => _sequences.Count;

    public Shape InputShape { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public bool MultiLabel { get; }

    public int PadId { get; }

    public TextBatchOptions Options { get; }

    private int? KeepLast { get; }

    /// <summary>The length of example <paramref name="i"/> after truncation (what bucketing sorts by).</summary>
    public int Length(int i) => Math.Min(_sequences[i].Length, Options.MaxLength);

    /// <summary>Example <paramref name="i"/>'s ids cut to MaxLength by the truncation rule.</summary>
    public int[] Truncated(int i) => SequenceTruncation.Cut(_sequences[i], Options.MaxLength, Options.Truncation, _keepFirst, KeepLast);

    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        int n = indices.Length;
        var rows = new int[n][];
        int t = 1;
        for (int k = 0; k < n; k++) { rows[k] = Truncated(indices[k]); t = Math.Max(t, rows[k].Length); }
        var ids = new int[n * t];
        var mask = new float[n * t];
        Array.Fill(ids, PadId);
        for (int k = 0; k < n; k++)
        {
            rows[k].CopyTo(ids, k * t);
            mask.AsSpan(k * t, rows[k].Length).Fill(1f);
        }
        Tensor targets;
        if (_classIds is not null)
        {
            var y = new int[n];
            for (int k = 0; k < n; k++) y[k] = _classIds[indices[k]];
            targets = Tensor.FromArray(y, n);
        }
        else
        {
            int c = ClassNames.Count;
            var y = new float[n * c];
            for (int k = 0; k < n; k++)
                foreach (var id in _labelSets![indices[k]]) y[k * c + id] = 1f;
            targets = Tensor.FromArray(y, n, c);
        }
        var inputs = Tensor.FromArray(ids, n, t); // ids: (N,T) Int32
        return Options.IncludeMask ? new Batch(inputs, targets, [Tensor.FromArray(mask, n, t)]) : new Batch(inputs, targets);
    }
}
