using System.Buffers.Binary;
using System.Security.Cryptography;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables;

/// <summary>
/// A SHA-256 of a table's content: column names, kinds, row numbers, every value (typed, so 1 and "1" differ) and the
/// splits. Independent of how the table is stored, so the same data always gives the same version.
/// </summary>
public static class TableDigest
{
    public static string Compute(Table table, TableSplits? splits = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int used = 0;
        void Flush() { hash.AppendData(buffer, 0, used); used = 0; }
        void Room(int n) { if (used + n > buffer.Length) Flush(); }
        void Byte(byte b) { Room(1); buffer[used++] = b; }
        void Long(long v) { Room(8); BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(used), v); used += 8; }
        void Text(string? s)
        {
            if (s is null) { Byte(0); return; }
            Byte(1);
            int n = System.Text.Encoding.UTF8.GetByteCount(s);
            Long(n);
            if (n > buffer.Length) { Flush(); hash.AppendData(System.Text.Encoding.UTF8.GetBytes(s)); return; }
            Room(n);
            used += System.Text.Encoding.UTF8.GetBytes(s, buffer.AsSpan(used));
        }

        Text("lepton-table-digest/1");
        Long(table.RowCount);
        foreach (int r in table.RowNumbers) Long(r);
        foreach (var c in table.Columns)
        {
            Text(c.Name);
            Text(ColumnKinds.Name(c.Kind));
            switch (c)
            {
                case NumericColumn n:
                    // The same bytes as Long() per value, written a buffer at a time (a wide table has tens of millions).
                    for (int i = 0; i < n.Values.Length;)
                    {
                        Room(8);
                        int fit = Math.Min(n.Values.Length - i, (buffer.Length - used) / 8);
                        var destination = buffer.AsSpan(used, fit * 8);
                        for (int k = 0; k < fit; k++)
                        {
                            double v = n.Values[i + k];
                            BinaryPrimitives.WriteInt64LittleEndian(destination[(k * 8)..], double.IsNaN(v) ? long.MinValue : BitConverter.DoubleToInt64Bits(v == 0 ? 0.0 : v));
                        }
                        used += fit * 8;
                        i += fit;
                    }
                    break;
                case BooleanColumn b:
                    foreach (var v in b.Values) Byte(v switch { null => 2, true => 1, false => 0 });
                    break;
                case DateTimeColumn t:
                    foreach (var v in t.Values) Long(v?.Ticks ?? long.MinValue);
                    break;
                case StringColumn s:
                    foreach (var v in s.Values) Text(v);
                    break;
                default:
                    for (int i = 0; i < c.Length; i++) Text(c.Format(i));
                    break;
            }
        }
        if (splits is not null)
        {
            Text("splits");
            for (int i = 0; i < splits.Split.Count; i++)
            {
                Text(splits.Split[i]);
                Long(splits.Fold[i] ?? -1);
            }
        }
        Flush();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
