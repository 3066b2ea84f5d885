using System.Text;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Tests.Protocol;

/// <summary>Named instances for models of several tensor inputs: matched by name, checked per instance, padded where the model pads.</summary>
public sealed class NamedInstancesParserTests
{
    private static readonly TensorSignature[] TwoInputs = [new("x", DType.Float32, [2, 2]), new("y", DType.Float32, [3])];

    private static NamedInstancesRequest Parse(string json, IReadOnlyList<TensorSignature> inputs, InferenceParseOptions? options = null) =>
        NamedInstancesParser.Parse(Encoding.UTF8.GetBytes(json), inputs, options ?? InferenceParseOptions.Default);

    private static string Refused(string json, IReadOnlyList<TensorSignature>? inputs = null, InferenceParseOptions? options = null) =>
        Assert.Throws<ProtocolException>(() => Parse(json, inputs ?? TwoInputs, options)).Message;

    [Fact]
    public void Instances_AreStackedPerInput_NestedOrFlat_InAnyKeyOrder()
    {
        var r = Parse("{\"instances\":[{\"x\":[[1,2],[3,4]],\"y\":[5,6,7]},{\"y\":[8,9,10],\"x\":[11,12,13,14]}],\"top_k\":2}", TwoInputs);

        Assert.Equal(2, r.TopK);
        Assert.Equal(["x", "y"], r.Request.Inputs.Select(i => i.Name));
        Assert.Equal([2, 2, 2], r.Request.Inputs[0].Shape);
        Assert.Equal([1f, 2, 3, 4, 11, 12, 13, 14], r.Request.Inputs[0].Data);
        Assert.Equal([2, 3], r.Request.Inputs[1].Shape);
        Assert.Equal([5f, 6, 7, 8, 9, 10], r.Request.Inputs[1].Data);
    }

    [Theory]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4]}]}", "instances[0] has no 'y'; every instance names all of 'x', 'y'")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4],\"y\":[1,2,3],\"z\":[1]}]}", "names 'z', which is not an input of this model; its inputs are 'x', 'y'")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4],\"x\":[1,2,3,4],\"y\":[1,2,3]}]}", "names 'x' twice")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3],\"y\":[1,2,3]}]}", "instances[0].x: shape [4] holds 4 values, but data has 3")]
    [InlineData("{\"instances\":[{\"x\":[[1,2,3],[4,5,6]],\"y\":[1,2,3]}]}", "instances[0].x: shape [2,2] holds 4 values, but data has 6")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4],\"y\":[1,2,\"a\"]}]}", "instances[0].y element 2 is a string")]
    [InlineData("{\"instances\":[[1,2,3,4]]}", "instances[0] is an array; this model takes each instance as an object naming its inputs 'x', 'y'")]
    [InlineData("{\"instances\":[]}", "No instances")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4],\"y\":[1,2,3]}],\"extra\":1}", "Unknown field 'extra'")]
    [InlineData("{\"instances\":[{\"x\":[1,2,3,4],\"y\":[1,2,3]}]", "Malformed JSON")]
    public void BadInstances_AreRefused_NamingTheInstanceAndTheInput(string json, string expected) =>
        Assert.Contains(expected, Refused(json));

    [Fact]
    public void TooManyValues_AreRefusedAtTheServersLimit() =>
        Assert.Contains("more than 8 values, the server's limit",
            Refused("{\"instances\":[{\"x\":[1,2,3,4],\"y\":[1,2,3]},{\"x\":[1,2,3,4],\"y\":[1,2,3]}]}", options: new InferenceParseOptions(MaxElements: 8)));

    [Fact]
    public void VariableLengthIds_ArePaddedByTheInputsRule_AndOneInputTakesBareInstances()
    {
        TensorSignature[] ids = [new("ids", DType.Int32, [-1], new PaddingRule(0, 7))];

        var r = Parse("{\"instances\":[[1,2],[3,4,5,6],{\"ids\":[9]}]}", ids);

        Assert.Equal([3, 4], r.Request.Inputs[0].Shape);
        Assert.Equal([1f, 2, 7, 7, 3, 4, 5, 6, 9, 7, 7, 7], r.Request.Inputs[0].Data);
        Assert.Contains("element 1 is 2.5, but INT32 data holds whole numbers", Refused("{\"instances\":[[1,2.5]]}", ids));
        TensorSignature[] unpadded = [new("ids", DType.Int32, [-1])];
        Assert.Contains("differ in shape ([2] and [3]), and the model has no padding rule for it", Refused("{\"instances\":[[1,2],[3,4,5]]}", unpadded));
    }

    [Fact]
    public void AOneValueInput_TakesANumber()
    {
        TensorSignature[] inputs = [new("age", DType.Float32, [1]), new("v", DType.Float32, [2])];

        var r = Parse("{\"instances\":[{\"age\":41,\"v\":[1,2]},{\"age\":[7],\"v\":[3,4]}]}", inputs);

        Assert.Equal([41f, 7f], r.Request.Inputs[0].Data);
        Assert.Contains("instances[0].v is one number", Refused("{\"instances\":[{\"age\":41,\"v\":2}]}", inputs));
    }
}
