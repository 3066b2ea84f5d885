namespace Lepton.Data.Text.Batching;

/// <summary>How one token sequence is cut to a maximum length: the rule training applies and serving replays.</summary>
public static class SequenceTruncation
{
    /// <summary>
    /// <paramref name="ids"/> cut to <paramref name="maxLength"/> by <paramref name="rule"/>, keeping a closing special token
    /// (<paramref name="keepLast"/>, e.g. [SEP]) when the start is kept and an opening one (<paramref name="keepFirst"/>, e.g.
    /// [CLS]) when the end is kept; returned as is when it already fits.
    /// </summary>
    public static int[] Cut(int[] ids, int maxLength, TextTruncation rule, int? keepFirst = null, int? keepLast = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length <= maxLength) return ids;
        if (rule == TextTruncation.KeepStart)
        {
            var cut = ids[..maxLength];
            if (keepLast is { } last && ids[^1] == last && maxLength >= 2) cut[^1] = last;
            return cut;
        }
        var tail = ids[^maxLength..];
        if (keepFirst is { } first && ids[0] == first && maxLength >= 2) tail[0] = first;
        return tail;
    }
}
