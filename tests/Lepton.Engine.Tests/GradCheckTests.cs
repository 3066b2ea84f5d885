using static Lepton.Engine.Tests.TestData;

namespace Lepton.Engine.Tests;

/// <summary>A finite-difference gradient check, in Float64, for every differentiable op of the engine.</summary>
public class GradCheckTests
{
    private sealed record Case(Func<Tensor[]> Inputs, Func<Tensor[], Tensor> F);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // ---- elementwise, broadcasting ----
        ["add_broadcast"] = new(() => [Normal(1, 3, 4), Normal(2, 4)], t => t[0].Add(t[1])),
        ["add_scalar_tensor"] = new(() => [Normal(1, 2, 3), Normal(2)], t => t[0] + t[1].Reshape()),
        ["add_double"] = new(() => [Normal(1, 2, 3)], t => t[0] + 2.5),
        ["sub_broadcast"] = new(() => [Normal(3, 2, 3, 1), Normal(4, 3, 4)], t => t[0].Sub(t[1])),
        ["rsub_double"] = new(() => [Normal(3, 2, 3)], t => 1.5 - t[0]),
        ["mul_broadcast"] = new(() => [Normal(5, 3, 1), Normal(6, 1, 4)], t => t[0].Mul(t[1])),
        ["mul_same_tensor"] = new(() => [Normal(5, 3, 4)], t => t[0].Mul(t[0])),
        ["div_broadcast"] = new(() => [Normal(7, 3, 4), Positive(8, 4)], t => t[0].Div(t[1])),
        ["rdiv_double"] = new(() => [Positive(7, 3, 4)], t => 2.0 / t[0]),
        ["pow_tensor"] = new(() => [Positive(9, 3, 4), Normal(10, 4)], t => t[0].Pow(t[1])),
        ["pow_scalar_3"] = new(() => [Normal(11, 3, 4)], t => t[0].Pow(3)),
        ["pow_scalar_half"] = new(() => [Positive(12, 3, 4)], t => t[0].Pow(0.5)),
        ["maximum"] = new(() => [Normal(13, 3, 4), Normal(14, 4)], t => t[0].Maximum(t[1])),
        ["minimum"] = new(() => [Normal(15, 3, 4), Normal(16, 3, 1)], t => t[0].Minimum(t[1])),
        ["neg"] = new(() => [Normal(17, 3, 4)], t => t[0].Neg()),
        ["exp"] = new(() => [Normal(18, 3, 4)], t => t[0].Exp()),
        ["log"] = new(() => [Positive(19, 3, 4)], t => t[0].Log()),
        ["sqrt"] = new(() => [Positive(20, 3, 4)], t => t[0].Sqrt()),
        ["square"] = new(() => [Normal(21, 3, 4)], t => t[0].Square()),
        ["abs"] = new(() => [AwayFromZero(22, 3, 4)], t => t[0].Abs()),
        ["tanh"] = new(() => [Normal(23, 3, 4)], t => t[0].Tanh()),
        ["sigmoid"] = new(() => [Normal(24, 3, 4)], t => t[0].Sigmoid()),
        ["relu"] = new(() => [AwayFromZero(25, 3, 4)], t => t[0].Relu()),
        ["leaky_relu"] = new(() => [AwayFromZero(26, 3, 4)], t => t[0].LeakyRelu(0.1)),
        ["gelu"] = new(() => [Normal(27, 3, 4)], t => t[0].Gelu()),
        ["clamp"] = new(() => [Tensor.FromArray(Enumerable.Range(0, 12).Select(k => -1.23 + 0.21 * k).ToArray(), 3, 4)], t => t[0].Clamp(-0.5, 0.5)),
        ["where_broadcast"] = new(() => [Normal(28, 3, 4), Normal(29, 4)],
            t => Tensor.Where(Tensor.FromArray(new double[] { 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0 }, 3, 4), t[0], t[1])),

        // ---- reductions ----
        ["sum_all"] = new(() => [Normal(30, 2, 3, 4)], t => t[0].Sum()),
        ["sum_axis1"] = new(() => [Normal(31, 2, 3, 4)], t => t[0].Sum(1)),
        ["sum_axes02_keep"] = new(() => [Normal(32, 2, 3, 4)], t => t[0].Sum([0, 2], keepDim: true)),
        ["mean_axis_neg1"] = new(() => [Normal(33, 2, 3, 4)], t => t[0].Mean(-1)),
        ["mean_all_keep"] = new(() => [Normal(34, 2, 3)], t => t[0].Mean(null, keepDim: true)),
        ["var_axis1"] = new(() => [Normal(35, 2, 5, 3)], t => t[0].Var(1)),
        ["var_biased_axes_keep"] = new(() => [Normal(36, 2, 5, 3)], t => t[0].Var([0, 2], keepDim: true, unbiased: false)),
        ["max_axis1"] = new(() => [Normal(37, 3, 5)], t => t[0].Max(1)),
        ["max_all"] = new(() => [Normal(38, 3, 5)], t => t[0].Max()),
        ["min_axis0_keep"] = new(() => [Normal(39, 3, 5)], t => t[0].Min(0, keepDim: true)),

        // ---- matmul ----
        ["matmul_2d"] = new(() => [Normal(40, 3, 4), Normal(41, 4, 5)], t => t[0].Matmul(t[1])),
        ["matmul_batched"] = new(() => [Normal(42, 2, 3, 4), Normal(43, 2, 4, 5)], t => t[0].Matmul(t[1])),
        ["matmul_broadcast_right"] = new(() => [Normal(44, 2, 3, 4), Normal(45, 4, 5)], t => t[0].Matmul(t[1])),
        ["matmul_broadcast_left"] = new(() => [Normal(46, 3, 4), Normal(47, 2, 4, 5)], t => t[0].Matmul(t[1])),
        ["matmul_broadcast_batch1"] = new(() => [Normal(48, 1, 3, 4), Normal(49, 2, 4, 5)], t => t[0].Matmul(t[1])),
        ["matmul_transposed_views"] = new(() => [Normal(50, 4, 3), Normal(51, 5, 4)], t => t[0].T.Matmul(t[1].T)),
        ["matmul_vector_right"] = new(() => [Normal(52, 3, 4), Normal(53, 4)], t => t[0].Matmul(t[1])),
        ["matmul_vector_left"] = new(() => [Normal(54, 4), Normal(55, 4, 5)], t => t[0].Matmul(t[1])),

        // ---- views and copies ----
        ["reshape"] = new(() => [Normal(60, 2, 6)], t => t[0].Reshape(3, -1)),
        ["reshape_of_permuted"] = new(() => [Normal(61, 2, 3, 4)], t => t[0].Permute(2, 0, 1).Reshape(4, 6)),
        ["permute"] = new(() => [Normal(62, 2, 3, 4)], t => t[0].Permute(1, 2, 0)),
        ["transpose"] = new(() => [Normal(63, 2, 3, 4)], t => t[0].Transpose(0, 2)),
        ["slice_step"] = new(() => [Normal(64, 3, 7)], t => t[0].Slice(1, 1, 7, 2)),
        ["slice_negative"] = new(() => [Normal(65, 5, 2)], t => t[0].Slice(0, -3, 5)),
        ["select"] = new(() => [Normal(66, 3, 4)], t => t[0].Select(1, 2)),
        ["squeeze"] = new(() => [Normal(67, 3, 1, 4)], t => t[0].Squeeze(1)),
        ["squeeze_view"] = new(() => [Normal(68, 4, 1, 3)], t => t[0].Permute(2, 1, 0).Squeeze()),
        ["unsqueeze"] = new(() => [Normal(69, 3, 4)], t => t[0].Unsqueeze(-1)),
        ["expand"] = new(() => [Normal(70, 3, 1)], t => t[0].Expand(2, 3, 4)),
        ["contiguous"] = new(() => [Normal(71, 3, 4)], t => t[0].T.Contiguous()),
        ["flatten"] = new(() => [Normal(72, 2, 3, 4)], t => t[0].Flatten(1)),

        // ---- convolution ----
        ["conv2d_basic"] = new(() => [Normal(80, 2, 3, 5, 5), Normal(81, 4, 3, 3, 3), Normal(82, 4)], t => t[0].Conv2d(t[1], t[2])),
        ["conv2d_stride_pad"] = new(() => [Normal(83, 2, 2, 6, 5), Normal(84, 3, 2, 3, 3), Normal(85, 3)],
            t => t[0].Conv2d(t[1], t[2], strideH: 2, strideW: 2, padH: 1, padW: 1)),
        ["conv2d_dilation_nobias"] = new(() => [Normal(86, 1, 2, 7, 6), Normal(87, 2, 2, 3, 2)],
            t => t[0].Conv2d(t[1], null, padH: 2, padW: 1, dilationH: 2, dilationW: 2)),
        ["conv2d_groups"] = new(() => [Normal(88, 2, 4, 5, 5), Normal(89, 6, 2, 3, 3), Normal(90, 6)],
            t => t[0].Conv2d(t[1], t[2], padH: 1, padW: 1, groups: 2)),
        ["conv2d_depthwise_asym"] = new(() => [Normal(91, 1, 3, 6, 7), Normal(92, 3, 1, 2, 3), Normal(93, 3)],
            t => t[0].Conv2d(t[1], t[2], strideH: 2, strideW: 1, padH: 1, padW: 0, dilationW: 2, groups: 3)),

        // ---- pooling ----
        ["max_pool2d"] = new(() => [Normal(100, 2, 2, 4, 6)], t => t[0].MaxPool2d(2, 2, 2, 2)),
        ["max_pool2d_pad_overlap"] = new(() => [Normal(101, 1, 2, 5, 5)], t => t[0].MaxPool2d(3, 3, 2, 2, 1, 1)),
        ["avg_pool2d"] = new(() => [Normal(102, 2, 2, 4, 6)], t => t[0].AvgPool2d(2, 3, 2, 1)),
        ["avg_pool2d_pad"] = new(() => [Normal(103, 1, 2, 5, 5)], t => t[0].AvgPool2d(3, 3, 2, 2, 1, 1)),
        ["adaptive_avg_pool2d"] = new(() => [Normal(104, 2, 2, 5, 7)], t => t[0].AdaptiveAvgPool2d(3, 4)),
        ["adaptive_avg_pool2d_up"] = new(() => [Normal(105, 1, 2, 3, 2)], t => t[0].AdaptiveAvgPool2d(4, 3)),

        // ---- softmax ----
        ["softmax_last"] = new(() => [Normal(110, 3, 5)], t => t[0].Softmax()),
        ["softmax_axis1_of3"] = new(() => [Normal(111, 2, 4, 3)], t => t[0].Softmax(1)),
        ["log_softmax_last"] = new(() => [Normal(112, 3, 5)], t => t[0].LogSoftmax()),
        ["log_softmax_axis0"] = new(() => [Normal(113, 4, 3)], t => t[0].LogSoftmax(0)),
        ["softmax_of_view"] = new(() => [Normal(114, 4, 3)], t => t[0].T.Softmax(-1)),

        // ---- indexing and joining ----
        ["concat_axis1"] = new(() => [Normal(120, 2, 3), Normal(121, 2, 2)], t => Tensor.Concat([t[0], t[1], t[0]], 1)),
        ["concat_axis0_views"] = new(() => [Normal(122, 3, 2), Normal(123, 2, 3)], t => Tensor.Concat([t[0].T, t[1]], 0)),
        ["stack_axis1"] = new(() => [Normal(124, 2, 3), Normal(125, 2, 3)], t => Tensor.Stack([t[0], t[1]], 1)),
        ["gather_axis1"] = new(() => [Normal(126, 3, 4)], t => t[0].Gather(1, Ints([0, 3, 3, 1, 2, 0], 3, 2))),
        ["gather_axis0"] = new(() => [Normal(127, 3, 4)], t => t[0].Gather(0, Ints([2, 0, 1, 1, 0, 0, 2, 2], 2, 4))),
        ["index_select_repeats"] = new(() => [Normal(128, 4, 3)], t => t[0].IndexSelect(0, Ints([3, 0, 3, 1], 4))),
        ["index_select_axis1"] = new(() => [Normal(129, 2, 4, 3)], t => t[0].IndexSelect(1, Ints([2, 2, 0], 3))),
        ["embedding"] = new(() => [Normal(130, 5, 3)], t => t[0].Embedding(Ints([4, 0, 4, 2, 1, 4], 2, 3))),
        ["dropout"] = new(() => [Normal(131, 4, 5)], t => t[0].Dropout(0.4, training: true, new Generator(7))),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void AnalyticMatchesNumeric(string name)
    {
        var c = Cases[name];
        GradCheck.Check(c.F, c.Inputs());
    }

    [Fact]
    public void ToConvertsGradientsBetweenFloatTypes()
    {
        var x = Normal(140, 2, 3).RequireGrad();
        var y = x.To(DType.Float32).Mul(Tensor.Full(new Shape(2, 3), 3, DType.Float32)).Sum();
        var g = y.Backward().Get(x);
        Assert.Equal(DType.Float64, g.DType);
        Assert.All(g.ToDoubleArray(), v => Assert.Equal(3.0, v));
    }
}
