namespace Lepton.Data.Text.Batching;

/// <summary>Which tokens a sequence longer than the limit keeps.</summary>
public enum TextTruncation
{
    /// <summary>Keep the first tokens (drop the end); with [CLS] ... [SEP], the [SEP] is kept as the last token.</summary>
    KeepStart,

    /// <summary>Keep the last tokens (drop the beginning); a leading [CLS] is kept as the first token.</summary>
    KeepEnd,
}

/// <summary>
/// How token sequences become batches: at most <see cref="MaxLength"/> tokens each (cut by <see cref="Truncation"/>),
/// <see cref="BatchSize"/> per batch, padded to the batch's longest sequence with the pad id; with
/// <see cref="BucketBatches"/> batches per bucket (length bucketing: a seeded shuffle of all examples is cut into buckets
/// of BucketBatches x BatchSize, each bucket sorted by length and cut into batches, then the batches shuffled), or a plain
/// seeded shuffle when it is 1. <see cref="IncludeMask"/> adds the (N,T) float mask, 1 on tokens and 0 on padding, as
/// the batch's second input.
/// </summary>
public sealed record TextBatchOptions(
    int MaxLength = 256,
    int BatchSize = 32,
    int BucketBatches = 50,
    bool Shuffle = true,
    ulong Seed = 0,
    TextTruncation Truncation = TextTruncation.KeepStart,
    bool IncludeMask = true,
    bool DropLast = false)
{
    public void Validate()
    {
        if (MaxLength < 1) throw new ArgumentException($"MaxLength {MaxLength} must be at least 1 token.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize {BatchSize} must be at least 1.");
        if (BucketBatches < 1) throw new ArgumentException($"BucketBatches {BucketBatches} must be at least 1 (1 = no length bucketing).");
    }
}
