using System.Collections;
using Lepton.Engine;

namespace Lepton.Data.Text.Batching;

/// <summary>
/// Batches of similar length from a <see cref="TokenizedTextDataset"/>, so little of each batch is padding. An epoch's
/// order depends only on (Seed, epoch): a seeded permutation of all examples is cut into buckets of BucketBatches x
/// BatchSize examples; each bucket is sorted by truncated length (ties by position in the permutation, a stable sort)
/// and cut into batches; then the order of all batches is shuffled with the same generator. Without shuffling the
/// examples are taken in index order and the batches are not reordered. Like <see cref="DataLoader"/>, one enumeration is
/// one epoch and <see cref="SetEpoch"/> resumes at a given epoch.
/// </summary>
public sealed class LengthBucketLoader(TokenizedTextDataset dataset) : IEnumerable<Batch>
{
    private int _nextEpoch;

    public TokenizedTextDataset Dataset { get; } = dataset;

    public int Epoch { get; private set; }

    public int BatchCount => Plan(0).Count;

    public void SetEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        _nextEpoch = epoch;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/> as lists of example indices.</summary>
    public List<int[]> Plan(int epoch)
    {
        var o = Dataset.Options;
        int n = Dataset.Count;
        Generator? rng = o.Shuffle ? new Generator(o.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1))) : null;
        int[] order = rng?.Permutation(n) ?? Enumerable.Range(0, n).ToArray();
        var batches = new List<int[]>();
        int bucket = o.BucketBatches * o.BatchSize;
        for (int start = 0; start < n; start += bucket)
        {
            var members = order[start..Math.Min(n, start + bucket)];
            if (o.BucketBatches > 1) members = [.. members.Select((ix, pos) => (ix, pos)).OrderBy(x => Dataset.Length(x.ix)).ThenBy(x => x.pos).Select(x => x.ix)];
            for (int b = 0; b < members.Length; b += o.BatchSize)
            {
                var batch = members[b..Math.Min(members.Length, b + o.BatchSize)];
                if (batch.Length < o.BatchSize && o.DropLast) continue;
                batches.Add(batch);
            }
        }
        if (rng is not null)
        {
            var perm = rng.Permutation(batches.Count);
            batches = [.. perm.Select(i => batches[i])];
        }
        return batches;
    }

    public IEnumerator<Batch> GetEnumerator()
    {
        int epoch = _nextEpoch++;
        Epoch = epoch;
        foreach (var indices in Plan(epoch)) yield return Dataset.GetBatch(indices);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
