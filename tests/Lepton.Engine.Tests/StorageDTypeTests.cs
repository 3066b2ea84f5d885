using Lepton.Engine.Memory;

namespace Lepton.Engine.Tests;

/// <summary>
/// Int8, UInt8, Int64, Float16 and BFloat16 tensors: created from arrays, read back, copied through every view and
/// copy path (Clone, Contiguous, Reshape, Slice, Permute, CopyFrom, Concat, Gather); arithmetic refuses them by name.
/// </summary>
public class StorageDTypeTests
{
    public static TheoryData<DType> StorageTypes() => new() { DType.Int8, DType.UInt8, DType.Int64, DType.Float16, DType.BFloat16 };

    public static TheoryData<DType> AllTypes()
    {
        var d = new TheoryData<DType>();
        foreach (var t in DTypeInfo.All) d.Add(t);
        return d;
    }

    [Fact]
    public void DTypeInfo_DescribesEveryDType()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], DTypeInfo.All.Select(d => (int)d));
        Assert.Equal(2, (int)DType.Int32); // values are appended, never renumbered: files and pools key by them
        foreach (var d in DTypeInfo.All)
        {
            Assert.Equal(d, DTypeInfo.FromSafetensorsName(d.SafetensorsName()));
            Assert.Equal(System.Runtime.InteropServices.Marshal.SizeOf(d.ClrType()), d.SizeOf());
            Assert.NotEqual(d.IsFloatingPoint(), d.IsInteger());
            Assert.True(!d.IsFloat() || d.IsFloatingPoint());
        }
        Assert.Equal(["F32", "F64", "I32", "I8", "U8", "I64", "F16", "BF16"], DTypeInfo.All.Select(d => d.SafetensorsName()));
        Assert.Equal([DType.Float32, DType.Float64], DTypeInfo.All.Where(d => d.IsFloat()));
        Assert.Null(DTypeInfo.FromSafetensorsName("BOOL"));
        Assert.Equal(DType.Int8, DTypeInfo.Of<sbyte>());
        Assert.Equal(DType.UInt8, DTypeInfo.Of<byte>());
        Assert.Equal(DType.Int64, DTypeInfo.Of<long>());
        Assert.Equal(DType.Float16, DTypeInfo.Of<Half>());
        Assert.Equal(DType.BFloat16, DTypeInfo.Of<BFloat16>());
        Assert.Contains("use float, double, int", Assert.Throws<NotSupportedException>(() => DTypeInfo.Of<short>()).Message);
    }

    [Fact]
    public void FromArray_WrapsEachElementTypeAndToArrayReadsItBack()
    {
        var i8 = Tensor.FromArray(new sbyte[] { -128, 0, 127, 5 }, 2, 2);
        Assert.Equal(DType.Int8, i8.DType);
        Assert.Equal(new sbyte[] { -128, 0, 127, 5 }, i8.ToArray<sbyte>());
        Assert.Equal(127, i8[1, 0]);
        var u8 = Tensor.FromArray(new byte[] { 0, 255 });
        Assert.Equal(new byte[] { 0, 255 }, u8.Span<byte>().ToArray());
        var i64 = Tensor.FromArray(new[] { long.MinValue, 1L << 40 });
        Assert.Equal(new[] { long.MinValue, 1L << 40 }, i64.ToArray<long>());
        var f16 = Tensor.FromArray(new[] { (Half)1.5, (Half)(-2) });
        Assert.Equal(new[] { 1.5f, -2f }, f16.ToArray());
        var bf = Tensor.FromArray(new[] { (BFloat16)3f, (BFloat16)(-0.5f) });
        Assert.Equal(new[] { 3.0, -0.5 }, bf.ToDoubleArray());
        Assert.Equal(new[] { 3, 0 }, bf.ToIntArray());
        Assert.Contains("call ToArray<Int64>(), or .To(DType.Int32) first",
            Assert.Throws<InvalidOperationException>(() => i64.ToArray<int>()).Message);
        Assert.Contains("Int8", i8.ToString());
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void CreationAndViews_WorkForEveryDType(DType d)
    {
        Assert.Equal(new double[6], Tensor.Zeros(new Shape(2, 3), d).ToDoubleArray());
        Assert.Equal(Enumerable.Repeat(1.0, 6), Tensor.Ones(new Shape(2, 3), d).ToDoubleArray());
        Assert.Equal(Enumerable.Repeat(7.0, 3), Tensor.Full(new Shape(3), 7, d).ToDoubleArray());
        Assert.Equal([2.0, 4, 6], Tensor.Arange(2, 8, 2, d).ToDoubleArray());
        Assert.Equal(7.0, Tensor.Scalar(7, d).ToDoubleArray()[0]);

        var x = Tensor.Arange(0, 24, 1, d).Reshape(2, 3, 4); // 0..23, every dtype holds them
        Assert.Equal(d, x.DType);
        var p = x.Permute(2, 0, 1);
        Assert.False(p.IsContiguous);
        var dense = p.Contiguous();
        Assert.Equal(d, dense.DType);
        Assert.Equal(p.Shape, dense.Shape);
        Assert.Equal(x[1, 2, 3], dense[3, 1, 2]);
        Assert.Equal(Reference(x.ToDoubleArray(), [2, 3, 4], [2, 0, 1]), dense.ToDoubleArray());
        Assert.Equal(Reference(x.ToDoubleArray(), [2, 3, 4], [2, 0, 1]), p.Reshape(-1).ToDoubleArray());

        var s = x.Slice(2, 1, 4, 2); // columns 1 and 3
        Assert.Equal([1.0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23], s.ToDoubleArray());
        Assert.Equal([4.0, 5, 6, 7], x.Select(0, 0).Select(0, 1).ToDoubleArray());
        Assert.Equal([1.0, 1, 1], x.Select(0, 0).Select(1, 1).Unsqueeze(0).Expand(3, 3).Select(1, 0).ToDoubleArray());

        var c = x.Clone();
        Assert.NotSame(x.Storage, c.Storage);
        Assert.Equal(x.ToDoubleArray(), c.ToDoubleArray());

        // CopyFrom into a strided view writes only that view, converting from Float32 first.
        var target = Tensor.Zeros(new Shape(2, 4), d);
        target.Slice(1, 0, 4, 2).CopyFrom(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
        Assert.Equal([1.0, 0, 2, 0, 3, 0, 4, 0], target.ToDoubleArray());

        var cat = Tensor.Concat([x.Select(0, 0), x.Select(0, 1)], axis: 1);
        Assert.Equal(d, cat.DType);
        Assert.Equal([0.0, 1, 2, 3, 12, 13, 14, 15], cat.Select(0, 0).ToDoubleArray());
        Assert.Equal(d, Tensor.Stack([x, x]).DType);

        var g = x.Select(0, 0).Gather(1, Tensor.FromArray(new[] { 3, 0, 1, 1, 2, 2 }, 3, 2));
        Assert.Equal(d, g.DType);
        Assert.Equal([3.0, 0, 5, 5, 10, 10], g.ToDoubleArray());
        Assert.Equal([4.0, 5, 6, 7], x.Select(0, 0).IndexSelect(0, Tensor.FromArray(new[] { 1 })).ToDoubleArray());
    }

    // The elements of a row-major tensor permuted by axes, computed index by index.
    private static double[] Reference(double[] values, int[] dims, int[] axes)
    {
        var t = Tensor.FromArray(values, dims);
        var outDims = axes.Select(a => dims[a]).ToArray();
        var r = new List<double>();
        var idx = new int[dims.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int rem = i;
            var o = new int[outDims.Length];
            for (int k = outDims.Length - 1; k >= 0; k--) { o[k] = rem % outDims[k]; rem /= outDims[k]; }
            for (int k = 0; k < axes.Length; k++) idx[axes[k]] = o[k];
            r.Add(t[idx]);
        }
        return r.ToArray();
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void FromBytesAndToBytes_AreLittleEndianRowMajorCopies(DType d)
    {
        var x = Tensor.Arange(0, 6, 1, d).Reshape(2, 3);
        var bytes = x.T.ToBytes(); // a strided view is written in its own row-major order
        Assert.Equal(6 * d.SizeOf(), bytes.Length);
        var back = Tensor.FromBytes(bytes, d, new Shape(3, 2));
        Assert.Equal(d, back.DType);
        Assert.Equal([0.0, 3, 1, 4, 2, 5], back.ToDoubleArray());
        bytes[0] ^= 0xFF; // a copy: changing the bytes afterwards changes nothing
        Assert.Equal(0.0, back[0, 0]);
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromBytes(new byte[5], d, new Shape(2, 3)));
        Assert.Equal($"FromBytes: 5 bytes do not hold a {d} tensor of shape (2,3) ({6 * d.SizeOf()} bytes).", e.Message);
    }

    [Fact]
    public void FromBytes_ReadsLittleEndianValues()
    {
        Assert.Equal([-2L, 258L], Tensor.FromBytes([0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 1, 0, 0, 0, 0, 0, 0], DType.Int64, new Shape(2)).ToArray<long>());
        Assert.Equal([1.5f], Tensor.FromBytes([0xC0, 0x3F], DType.BFloat16, new Shape(1)).ToArray());
        Assert.Equal([1.5f], Tensor.FromBytes([0x00, 0x3E], DType.Float16, new Shape(1)).ToArray());
    }

    [Theory]
    [MemberData(nameof(StorageTypes))]
    public void ScopedTensors_OfStorageTypes_ArePooledAndReused(DType d)
    {
        var pool = new TensorPool();
        using (pool.BeginScope()) _ = Tensor.Zeros(new Shape(16), d);
        using (pool.BeginScope())
        {
            var t = Tensor.Full(new Shape(16), 3, d);
            Assert.Equal(Enumerable.Repeat(3.0, 16), t.ToDoubleArray());
        }
        Assert.Equal(1, pool.Reused);
    }

    [Theory]
    [MemberData(nameof(StorageTypes))]
    public void Arithmetic_RefusesStorageTypes_NamingTheOpTheDTypeAndTheFix(DType d)
    {
        var x = Tensor.Ones(new Shape(1, 2, 4, 4), d);
        var m = Tensor.Ones(new Shape(2, 2), d);
        var f = Tensor.Ones(new Shape(2, 2));
        var cases = new (string Op, Action Run)[]
        {
            ("Add", () => m.Add(m)),
            ("Add", () => f.Add(m)),
            ("Mul", () => m.Mul(2)),
            ("Exp", () => m.Exp()),
            ("Relu", () => m.Relu()),
            ("Sigmoid", () => m.Sigmoid()),
            ("Gt", () => m.Gt(0)),
            ("Sum", () => m.Sum()),
            ("Mean", () => m.Mean()),
            ("Var", () => m.Var()),
            ("Max", () => m.Max()),
            ("Argmax", () => m.Argmax()),
            ("Argmin", () => m.Argmin()),
            ("Min", () => m.Min()),
            ("Softmax", () => m.Softmax()),
            ("LogSoftmax", () => m.LogSoftmax()),
            ("Matmul", () => m.Matmul(m)),
            ("Matmul", () => f.Matmul(m)),
            ("Linear", () => m.Linear(f)),
            ("Conv2d", () => x.Conv2d(Tensor.Ones(new Shape(1, 2, 3, 3), d))),
            ("MaxPool2d", () => x.MaxPool2d(2, 2, 2, 2)),
            ("AvgPool2d", () => x.AvgPool2d(2, 2, 2, 2)),
            ("AdaptiveAvgPool2d", () => x.AdaptiveAvgPool2d(1, 1)),
            ("BatchNorm", () => x.BatchNorm(null, null, null, null, training: true)),
            ("Dropout", () => m.Dropout(0.5, training: true, new Generator(1))),
            ("Where", () => Tensor.Where(f, m, m)),
        };
        foreach (var (op, run) in cases)
        {
            var e = Assert.Throws<ArgumentException>(run);
            Assert.StartsWith($"{op} needs a Float32 or Float64 tensor, got {d}", e.Message);
            Assert.Contains("call .To(DType.Float32) first", e.Message);
        }
        Assert.Contains("Float32 but weight is", Assert.Throws<ArgumentException>(() => f.Linear(m)).Message);
        Assert.Contains("Rand/Randn draw Float32 or Float64", Assert.Throws<ArgumentException>(() => Tensor.Rand(new Shape(2), new Generator(1), dtype: d)).Message);
    }

    [Fact]
    public void Where_TakesAnIntegerMask()
    {
        var mask = Tensor.FromArray(new byte[] { 1, 0, 255 });
        var r = Tensor.Where(mask, Tensor.FromArray(new[] { 1f, 2f, 3f }), Tensor.FromArray(new[] { -1f, -2f, -3f }));
        Assert.Equal([1f, -2f, 3f], r.ToArray());
    }
}
