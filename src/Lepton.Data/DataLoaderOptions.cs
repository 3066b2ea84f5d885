namespace Lepton.Data;

/// <summary>
/// How a <see cref="DataLoader"/> batches and orders a dataset; Prefetch = 0 loads batches on the caller's thread.
/// RecycleBatches refills the same batch tensors epoch after epoch (no allocation per batch): a batch is then valid only
/// until the loader is asked for the next one, so a caller must not keep it (the Trainer's steps do not).
/// Workers &gt; 1 (with Prefetch &gt;= 1) gathers that many batches at once on background tasks, still delivered in order, for
/// datasets whose gathering is the bottleneck (decoding, augmentation); the dataset's GetBatch must then be thread-safe.
/// </summary>
public sealed record DataLoaderOptions(int BatchSize = 64, bool Shuffle = true, ulong Seed = 0, bool DropLast = false, int Prefetch = 2,
    bool RecycleBatches = false, int Workers = 1);
