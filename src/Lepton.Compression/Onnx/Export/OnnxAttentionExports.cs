using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using static Lepton.Compression.Onnx.Export.OnnxGraphWriter;

namespace Lepton.Compression.Onnx.Export;

/// <summary>
/// The text layers' ONNX forms, decomposed into opset 17 ops (opset 17 has no Attention op): MultiheadAttention, encoder
/// layers and stacks, learned and sinusoidal positions, masked mean pooling. Sequence lengths stay symbolic (read with
/// Shape at run time), and padding masks are Lepton's: (N,T) with 1 for real tokens, adding −1e9 to padded keys' scores.
/// </summary>
internal static class OnnxAttentionExports
{
    private const long FloatType = 1; // TensorProto.DataType.FLOAT

    private static readonly Dictionary<Type, OnnxLayerExport> Table = new()
    {
        [typeof(MultiheadAttention)] = (w, l, p, xs) => [MultiheadAttention(w, (MultiheadAttention)l, p, xs)],
        [typeof(TransformerEncoderLayer)] = (w, l, p, xs) => [EncoderLayer(w, (TransformerEncoderLayer)l, p, xs[0], xs.Count > 1 ? xs[1] : null)],
        [typeof(TransformerEncoder)] = (w, l, p, xs) => [Encoder(w, (TransformerEncoder)l, p, xs[0], xs.Count > 1 ? xs[1] : null)],
        [typeof(LearnedPositionalEmbedding)] = (w, l, p, xs) => [LearnedPositions(w, (LearnedPositionalEmbedding)l, p, xs[0])],
        [typeof(SinusoidalPositionalEmbedding)] = (w, l, p, xs) => [SinusoidalPositions(w, (SinusoidalPositionalEmbedding)l, p, xs[0])],
        [typeof(MaskedMeanPool)] = (w, _, p, xs) => [MaskedMean(w, p, xs[0], xs.Count > 1 ? xs[1] : null)],
    };

    public static IEnumerable<string> Types => Table.Keys.Select(t => t.Name);

    /// <summary>The layer's outputs when it is one of the text layers; null otherwise.</summary>
    public static IReadOnlyList<string>? TryExport(OnnxGraphWriter writer, Module layer, string path, IReadOnlyList<string> inputs) =>
        Table.TryGetValue(layer.GetType(), out var export) ? export(writer, layer, path, inputs) : null;

    // [x], [x, mask], [q, k, v] or [q, k, v, mask] → (N,Tq,E)
    private static string MultiheadAttention(OnnxGraphWriter w, MultiheadAttention layer, string path, IReadOnlyList<string> xs) => xs.Count switch
    {
        1 => Attend(w, layer, path, xs[0], xs[0], xs[0], null),
        2 => Attend(w, layer, path, xs[0], xs[0], xs[0], xs[1]),
        3 => Attend(w, layer, path, xs[0], xs[1], xs[2], null),
        4 => Attend(w, layer, path, xs[0], xs[1], xs[2], xs[3]),
        _ => throw new NotSupportedException($"ONNX export: layer '{path}' (MultiheadAttention) takes 1 to 4 inputs, got {xs.Count}."),
    };

    // query (N,Tq,E), key and value (N,Tk,E), mask (N,Tk) or null → (N,Tq,E), as MultiheadAttention.Attend computes it.
    private static string Attend(OnnxGraphWriter w, MultiheadAttention layer, string path, string query, string key, string value, string? mask)
    {
        int e = layer.EmbedDim, heads = layer.NumHeads, d = e / heads;
        var named = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value, StringComparer.Ordinal);
        var weight = named["in_proj_weight"];
        named.TryGetValue("in_proj_bias", out var bias);
        string Project(string x, int block, string name)
        {
            // (N,T,E) · W_blockᵀ + b_block, the transposed row block stored once.
            var wt = w.Initializer($"{path}.in_proj_weight_{name}_t", weight.Slice(0, block * e, (block + 1) * e).Transpose(0, 1).Contiguous());
            var y = w.Node("MatMul", [x, wt], $"{path}.{name}_matmul", 3);
            return bias is null ? y : w.Node("Add", [y, w.Initializer($"{path}.in_proj_bias_{name}", bias.Slice(0, block * e, (block + 1) * e).Contiguous())], $"{path}.{name}", 3);
        }
        var headShape = w.Constant([0L, 0L, heads, d], 4);
        // q: (N,h,Tq,d) scaled by 1/√d before the product, as torch 1.13; k: (N,h,d,Tk); v: (N,h,Tk,d)
        var q = w.Node("Transpose", [w.Node("Reshape", [Project(query, 0, "q"), headShape], path + ".q_heads", 4)], path + ".q_t", 4, Ints("perm", 0, 2, 1, 3));
        q = w.Node("Mul", [q, w.Constant([(float)(1 / Math.Sqrt(d))])], path + ".q_scaled", 4);
        var k = w.Node("Transpose", [w.Node("Reshape", [Project(key, 1, "k"), headShape], path + ".k_heads", 4)], path + ".k_t", 4, Ints("perm", 0, 2, 3, 1));
        var v = w.Node("Transpose", [w.Node("Reshape", [Project(value, 2, "v"), headShape], path + ".v_heads", 4)], path + ".v_t", 4, Ints("perm", 0, 2, 1, 3));
        var scores = w.Node("MatMul", [q, k], path + ".scores", 4); // (N,h,Tq,Tk)
        if (mask is not null) scores = w.Node("Add", [scores, KeyPaddingBias(w, path, mask)], path + ".scores_masked", 4);
        if (layer.Options.Causal) scores = w.Node("Add", [scores, CausalBias(w, path, query, key)], path + ".scores_causal", 4);
        var weights = w.Node("Softmax", [scores], path + ".weights", 4, Int("axis", -1));
        var attended = w.Node("MatMul", [weights, v], path + ".attended", 4); // (N,h,Tq,d)
        attended = w.Node("Transpose", [attended], path + ".attended_t", 4, Ints("perm", 0, 2, 1, 3));
        attended = w.Node("Reshape", [attended, w.Constant([0L, 0L, e], 3)], path + ".merged", 3); // (N,Tq,E)
        var outProj = layer.NamedChildren().Single(c => c.Name == "out_proj").Module;
        return OnnxLayerExports.Export(w, outProj, path + ".out_proj", [attended])[0];
    }

    // mask (N,Tk), 1 for real tokens → (N,1,1,Tk): 0 for a real key, −1e9 for padding (AttentionMasks.KeyPadding).
    private static string KeyPaddingBias(OnnxGraphWriter w, string path, string mask)
    {
        var m = w.Node("Cast", [mask], path + ".mask_f", 2, Int("to", FloatType));
        var padding = w.Node("Equal", [m, w.Constant([0f])], path + ".mask_padding", 2);
        var bias = w.Node("Where", [padding, w.Constant([(float)AttentionMasks.Masked]), w.Constant([0f])], path + ".mask_bias", 2);
        return w.Node("Reshape", [bias, w.Constant([0L, 1L, 1L, -1L], 4)], path + ".mask_bias_4d", 4);
    }

    // (Tq,Tk): −1e9 where key j comes after query i (AttentionMasks.Causal), built from the run-time lengths.
    private static string CausalBias(OnnxGraphWriter w, string path, string query, string key)
    {
        var i = w.Node("Unsqueeze", [Positions(w, path + ".causal_q", query), w.Constant([1L], 1)], path + ".causal_rows", 2);
        var j = w.Node("Unsqueeze", [Positions(w, path + ".causal_k", key), w.Constant([0L], 1)], path + ".causal_cols", 2);
        var future = w.Node("Greater", [j, i], path + ".causal_future", 2);
        return w.Node("Where", [future, w.Constant([(float)AttentionMasks.Masked]), w.Constant([0f])], path + ".causal_bias", 2);
    }

    // x (N,T,...) → the int64 positions 0..T-1
    private static string Positions(OnnxGraphWriter w, string path, string x)
    {
        var length = w.Node("Gather", [w.Node("Shape", [x], path + "_shape", 1), w.Constant([1L])], path + "_length", 0, Int("axis", 0));
        return w.Node("Range", [w.Constant([0L]), length, w.Constant([1L])], path + "_range", 1);
    }

    // x (N,T,E), mask (N,T) or null → (N,T,E); post-norm or pre-norm as the layer's options say; dropout vanishes.
    private static string EncoderLayer(OnnxGraphWriter w, TransformerEncoderLayer layer, string path, string x, string? mask)
    {
        var c = layer.NamedChildren().ToDictionary(n => n.Name, n => n.Module, StringComparer.Ordinal);
        string Run(string name, string input) => OnnxLayerExports.Export(w, c[name], $"{path}.{name}", [input])[0];
        string SelfAttend(string input) =>
            MultiheadAttention(w, (MultiheadAttention)c["self_attn"], path + ".self_attn", mask is null ? [input] : [input, mask]);
        string FeedForward(string input)
        {
            var h = Run("linear1", input);
            h = layer.Options.Activation == "gelu" ? OnnxLayerExports.Gelu(w, path + ".activation", h) : w.Node("Relu", [h], path + ".activation", 3);
            return Run("linear2", h);
        }
        if (layer.Options.NormFirst)
        {
            x = w.Node("Add", [x, SelfAttend(Run("norm1", x))], path + ".residual1", 3);
            return w.Node("Add", [x, FeedForward(Run("norm2", x))], path + ".residual2", 3);
        }
        x = Run("norm1", w.Node("Add", [x, SelfAttend(x)], path + ".residual1", 3));
        return Run("norm2", w.Node("Add", [x, FeedForward(x)], path + ".residual2", 3));
    }

    private static string Encoder(OnnxGraphWriter w, TransformerEncoder encoder, string path, string x, string? mask)
    {
        for (int i = 0; i < encoder.Layers.Count; i++) x = EncoderLayer(w, encoder.Layers[i], $"{path}.layers.{i}", x, mask);
        if (encoder.FinalNorm)
            x = OnnxLayerExports.Export(w, encoder.NamedChildren().Single(c => c.Name == "norm").Module, path + ".norm", [x])[0];
        return x;
    }

    // x (N,T,E) + weight[:T], T read from x at run time.
    private static string LearnedPositions(OnnxGraphWriter w, LearnedPositionalEmbedding layer, string path, string x)
    {
        var length = w.Node("Shape", [x], path + ".length", 1, Int("start", 1), Int("end", 2));
        var table = w.Node("Slice", [w.Initializer(path + ".weight", layer.Weight.Value), w.Constant([0L], 1), length, w.Constant([0L], 1)], path + ".table", 2);
        return w.Node("Add", [x, table], path, 3);
    }

    // x (N,T,E) + pe[:T] with pe[t, j] = sin(t·f_j) for even j, cos(t·f_j) for odd j, f_j = 10000^(−(j − j mod 2)/E).
    private static string SinusoidalPositions(OnnxGraphWriter w, SinusoidalPositionalEmbedding layer, string path, string x)
    {
        int e = layer.EmbeddingDim;
        var frequency = new float[e];
        var even = new float[e];
        var odd = new float[e];
        for (int j = 0; j < e; j++)
        {
            frequency[j] = (float)(1 / Math.Pow(10000, (j - j % 2) / (double)e));
            (even[j], odd[j]) = j % 2 == 0 ? (1f, 0f) : (0f, 1f);
        }
        var t = w.Node("Cast", [Positions(w, path, x)], path + ".positions", 1, Int("to", FloatType));
        t = w.Node("Unsqueeze", [t, w.Constant([1L], 1)], path + ".positions_col", 2); // (T,1)
        var angles = w.Node("Mul", [t, w.Constant(frequency, e)], path + ".angles", 2); // (T,E)
        var sin = w.Node("Mul", [w.Node("Sin", [angles], path + ".sin", 2), w.Constant(even, e)], path + ".sin_even", 2);
        var cos = w.Node("Mul", [w.Node("Cos", [angles], path + ".cos", 2), w.Constant(odd, e)], path + ".cos_odd", 2);
        return w.Node("Add", [x, w.Node("Add", [sin, cos], path + ".table", 2)], path, 3);
    }

    // x (N,T,C), mask (N,T) → Σ x·m / max(Σ m, 1) over T: (N,C); without a mask the plain mean over T.
    private static string MaskedMean(OnnxGraphWriter w, string path, string x, string? mask)
    {
        if (mask is null) return w.Node("ReduceMean", [x], path, 2, Ints("axes", 1), Int("keepdims", 0));
        var m = w.Node("Cast", [mask], path + ".mask_f", 2, Int("to", FloatType));
        m = w.Node("Unsqueeze", [m, w.Constant([2L], 1)], path + ".mask_3d", 3); // (N,T,1)
        var time = w.Constant([1L], 1);
        var sum = w.Node("ReduceSum", [w.Node("Mul", [x, m], path + ".masked", 3), time], path + ".sum", 2, Int("keepdims", 0));
        var count = w.Node("ReduceSum", [m, time], path + ".count", 2, Int("keepdims", 0)); // (N,1)
        count = w.Node("Max", [count, w.Constant([1f])], path + ".count_at_least_1", 2);
        return w.Node("Div", [sum, count], path, 2);
    }
}
