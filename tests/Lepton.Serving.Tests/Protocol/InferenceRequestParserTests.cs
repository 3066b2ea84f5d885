using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Outputs;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Tests.Protocol;

/// <summary>The request parser and signature check on their own: shapes, datatypes, nesting, binary data and limits.</summary>
public sealed class InferenceRequestParserTests
{
    private static InferenceRequest Parse(string json, byte[]? binary = null, InferenceParseOptions? options = null) =>
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(json), binary ?? [], options);

    private static ProtocolException Refused(string json, byte[]? binary = null, InferenceParseOptions? options = null) =>
        Assert.Throws<ProtocolException>(() => Parse(json, binary, options));

    [Fact]
    public void FlatAndNestedData_GiveTheSameRowMajorValues()
    {
        var flat = Parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}");
        var nested = Parse("{\"inputs\":[{\"data\":[[1,2,3],[4,5,6]],\"datatype\":\"FP32\",\"shape\":[2,3],\"name\":\"x\"}]}");
        Assert.Equal(flat.Inputs[0].Data, nested.Inputs[0].Data);
        Assert.Equal([2, 3], nested.Inputs[0].Shape);
    }

    [Fact]
    public void IdParametersAndOutputs_AreRead()
    {
        var r = Parse("{\"id\":\"a1\",\"parameters\":{\"binary_data_output\":true,\"custom\":{\"k\":1}},\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\",\"data\":[7]}]," +
                      "\"outputs\":[{\"name\":\"label\"},{\"name\":\"logits\",\"parameters\":{\"binary_data\":true}}]}");
        Assert.Equal("a1", r.Id);
        Assert.True(r.BinaryOutput);
        Assert.Equal(JsonValueKind.Object, r.Parameters["custom"].ValueKind);
        Assert.Equal(["label", "logits"], r.Outputs.Select(o => o.Name));
        Assert.True(r.Outputs[1].Binary);
        Assert.Equal(TensorDatatype.Int32, r.Inputs[0].Datatype);
    }

    [Theory]
    [InlineData(TensorDatatype.Uint8, new byte[] { 200 }, 200f)]
    [InlineData(TensorDatatype.Int16, new byte[] { 0x18, 0xFC }, -1000f)]
    [InlineData(TensorDatatype.Fp16, new byte[] { 0x00, 0x3C }, 1f)]
    [InlineData(TensorDatatype.Fp64, new byte[] { 0, 0, 0, 0, 0, 0, 0x04, 0x40 }, 2.5f)]
    public void BinaryData_DecodesLittleEndianOfEveryWidth(TensorDatatype type, byte[] bytes, float expected)
    {
        string name = TensorDatatypes.Name(type);
        var r = Parse($"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[1],\"datatype\":\"{name}\",\"parameters\":{{\"binary_data_size\":{bytes.Length}}}}}]}}", bytes);
        Assert.Equal(expected, r.Inputs[0].Data[0]);
    }

    [Fact]
    public void TwoBinaryInputs_TakeTheirBytesInOrder()
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4), 2.5f);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), -3);
        var r = Parse("{\"inputs\":[{\"name\":\"a\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}}," +
                      "{\"name\":\"b\",\"shape\":[1],\"datatype\":\"INT32\",\"parameters\":{\"binary_data_size\":4}}]}", bytes);
        Assert.Equal([1.5f, 2.5f], r.Inputs[0].Data);
        Assert.Equal([-3f], r.Inputs[1].Data);
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}],\"extra\":1}", "Unknown field 'extra'")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[-1],\"datatype\":\"FP32\",\"data\":[1]}]}", "whole numbers >= 0")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"fp32\",\"data\":[1,2]}]}", "case-sensitive")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"INT8\",\"data\":[1,2.5]}]}", "but INT8 data holds whole numbers")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,\"a\"]}]}", "is a string")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,null]}]}", "only numbers and arrays")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[1],[2]]}]}", "nest it like the shape")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,[2]]}]}", "mixes numbers")]
    [InlineData("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "has no name")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1,2]}]}", "has no shape")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\"}]}", "has no data")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[100000,100000,100000],\"datatype\":\"FP32\",\"data\":[1]}]}", "server's limit")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]} trailing", "Malformed JSON")]
    public void Refuses_WithAMessageNamingTheProblem(string json, string message)
    {
        var ex = Refused(json);
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void AHugeShapeWithLittleData_IsRefusedBeforeAllocatingTheShape()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Refused("{\"inputs\":[{\"name\":\"x\",\"shape\":[16000000],\"datatype\":\"FP32\",\"data\":[1]}]}");
        Assert.Contains("holds 16,000,000 values, but data has 1", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void NonFiniteValues_AreRefusedByDefaultAndAcceptedWhenAllowed()
    {
        const string json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[\"NaN\",\"-Infinity\"]}]}";
        Assert.Contains("NaN", Refused(json).Message);
        var r = Parse(json, options: new InferenceParseOptions(AllowNonFinite: true));
        Assert.True(float.IsNaN(r.Inputs[0].Data[0]));
        Assert.Equal(float.NegativeInfinity, r.Inputs[0].Data[1]);
    }

    [Fact]
    public void DeepNesting_StopsAtTheConfiguredDepth()
    {
        string deep = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":" + new string('[', 200) + "1" + new string(']', 200) + "}]}";
        Assert.Contains("nested deeper than 64", Refused(deep).Message);
    }

    [Fact]
    public void BinarySizes_MustAddUpToTheBytesSent()
    {
        const string json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}}]}";
        Assert.Contains("reaches past", Refused(json, new byte[4]).Message);
        Assert.Contains("add up to 8", Refused(json, new byte[12]).Message);
        Assert.Contains("whole number of bytes", Refused(json.Replace("8}", "-8}"), new byte[8]).Message);
    }

    [Fact]
    public void Signature_ChecksNameShapeAndOutputs_AndReturnsTheBatch()
    {
        var predictor = new PredictorSignature([new TensorSignature("image", DType.Float32, [1, 2, 2])],
            [new TensorSignature("logits", DType.Float32, [2])], OutputKind.ClassLogits, ["a", "b"]);
        var signature = new ModelSignature(predictor, OutputInterpreters.For(predictor).Outputs);
        var ok = Parse("{\"inputs\":[{\"name\":\"image\",\"shape\":[2,1,2,2],\"datatype\":\"UINT8\",\"data\":[1,2,3,4,5,6,7,8]}]}");
        var x = signature.Validate(ok, "m");
        Assert.Equal(new Shape(2, 1, 2, 2), x[0].Shape);
        Assert.Equal([-1, 1, 2, 2], signature.Inputs[0].BatchShape);
        Assert.Contains("has no output 'nope'", Assert.Throws<ProtocolException>(() => signature.Validate(
            Parse("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}],\"outputs\":[{\"name\":\"nope\"}]}"), "m")).Message);
        Assert.Contains("expects [-1,1,2,2]", Assert.Throws<ProtocolException>(() => signature.Validate(
            Parse("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"), "m")).Message);
        Assert.Contains("batch size 0", Assert.Throws<ProtocolException>(() => signature.Validate(
            Parse("{\"inputs\":[{\"name\":\"image\",\"shape\":[0,1,2,2],\"datatype\":\"FP32\",\"data\":[]}]}"), "m")).Message);
    }

    [Fact]
    public void Signature_WithTwoInt32Inputs_TakesThemByNameInAnyOrder_AndChecksTheirBatchSizes()
    {
        var predictor = new PredictorSignature(
            [new TensorSignature("ids", DType.Int32, [-1], new PaddingRule(0)), new TensorSignature("mask", DType.Int32, [-1], new PaddingRule(0))],
            [new TensorSignature("score", DType.Float32, [1])], OutputKind.Tensors);
        var signature = new ModelSignature(predictor, OutputInterpreters.For(predictor).Outputs);
        string Input(string name, int rows, int length) =>
            $"{{\"name\":\"{name}\",\"shape\":[{rows},{length}],\"datatype\":\"INT32\",\"data\":[{string.Join(",", Enumerable.Range(1, rows * length))}]}}";

        var x = signature.Validate(Parse($"{{\"inputs\":[{Input("mask", 2, 3)},{Input("ids", 2, 3)}]}}"), "m");
        Assert.Equal((DType.Int32, new Shape(2, 3)), (x[0].DType, x[0].Shape));
        Assert.Equal([1, 2, 3, 4, 5, 6], x[1].ToIntArray());
        Assert.Contains("same batch size", Assert.Throws<ProtocolException>(() =>
            signature.Validate(Parse($"{{\"inputs\":[{Input("ids", 2, 3)},{Input("mask", 1, 3)}]}}"), "m")).Message);
        Assert.Contains("takes 2 inputs 'ids' [-1,-1], 'mask' [-1,-1]", Assert.Throws<ProtocolException>(() =>
            signature.Validate(Parse($"{{\"inputs\":[{Input("ids", 2, 3)}]}}"), "m")).Message);
        Assert.Contains("twice", Assert.Throws<ProtocolException>(() =>
            signature.Validate(Parse($"{{\"inputs\":[{Input("ids", 2, 3)},{Input("ids", 2, 3)}]}}"), "m")).Message);
    }

    [Fact]
    public void ResponseWriter_WritesTensorOutputs_AsJsonOrBinary_WithTheirDatatypes()
    {
        var predictor = new PredictorSignature([new TensorSignature("x", DType.Float32, [1])],
            [new TensorSignature("score", DType.Float32, [1]), new TensorSignature("count", DType.Int32, [2])], OutputKind.Tensors);
        var outputs = OutputInterpreters.For(predictor).Interpret(
            new Lepton.Runtime.TensorSet([Tensor.FromArray([0.5f, 1.5f], 2, 1), Tensor.FromArray([1, 2, 3, 4], 2, 2)]), 2);
        var request = Parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,1],\"datatype\":\"FP32\",\"data\":[1,2]}],\"outputs\":[{\"name\":\"score\"},{\"name\":\"count\",\"parameters\":{\"binary_data\":true}}]}");
        var buffer = new ArrayBufferWriter<byte>();
        int? header = InferenceResponseWriter.Write(buffer, new ResponseIdentity("m", "1", null, "p", ["p-0", "p-1"]), outputs, request);

        var json = JsonDocument.Parse(buffer.WrittenMemory[..header!.Value]).RootElement.GetProperty("outputs");
        Assert.Equal("FP32", json[0].GetProperty("datatype").GetString());
        Assert.Equal([0.5f, 1.5f], json[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(("INT32", 16), (json[1].GetProperty("datatype").GetString(), json[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32()));
        var tail = buffer.WrittenSpan[header.Value..];
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(tail[12..]));
        var logged = outputs.LogRow(1);
        Assert.Equal((null, -1), (logged.TopLabel, logged.TopIndex));
        Assert.Equal([1.5f], logged.Values);
    }

    [Theory]
    [InlineData(DType.Int64, "INT64")]
    [InlineData(DType.Int32, "INT32")]
    [InlineData(DType.UInt8, "UINT8")]
    [InlineData(DType.Int8, "INT8")]
    public void Signature_WithAnIntegerInput_TakesWholeNumbers_AndRefusesFractionsAndValuesItCannotHold(DType dtype, string name)
    {
        var predictor = new PredictorSignature([new TensorSignature("ids", dtype, [3])], [new TensorSignature("y", DType.Float32, [1])], OutputKind.Tensors);
        var signature = new ModelSignature(predictor, OutputInterpreters.For(predictor).Outputs);
        Assert.Equal(name, signature.Described.Single().Datatype);
        ProtocolException Refused(string data) => Assert.Throws<ProtocolException>(() =>
            signature.Validate(Parse($"{{\"inputs\":[{{\"name\":\"ids\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}"), "m"));

        var x = signature.Validate(Parse("{\"inputs\":[{\"name\":\"ids\",\"shape\":[1,3],\"datatype\":\"" + name + "\",\"data\":[0,7,100]}]}"), "m");
        Assert.Equal((dtype, new Shape(1, 3)), (x[0].DType, x[0].Shape));
        Assert.Equal([0L, 7L, 100L], x[0].To(DType.Int64).ToArray<long>());
        Assert.Contains("element 1 is 7.5, but this model takes whole numbers", Refused("0,7.5,1").Message);
        string beyond = Refused("0,1,33554432").Message;
        Assert.Contains(dtype is DType.Int64 or DType.Int32 ? "beyond 16777216" : "outside", beyond);
        if (dtype is DType.UInt8) Assert.Contains("outside UINT8's range 0 to 255", Refused("0,1,-1").Message);
    }

    [Fact]
    public void Signature_WithAFloat16Input_IsDescribedAsFp16_AndConvertsTheValuesToHalves()
    {
        var predictor = new PredictorSignature([new TensorSignature("x", DType.Float16, [2])], [new TensorSignature("y", DType.Float32, [1])], OutputKind.Tensors);
        var signature = new ModelSignature(predictor, OutputInterpreters.For(predictor).Outputs);
        Assert.Equal("FP16", signature.Described.Single().Datatype);

        var x = signature.Validate(Parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[0.5,-3]}]}"), "m")[0];

        Assert.Equal(DType.Float16, x.DType);
        Assert.Equal([(Half)0.5f, (Half)(-3f)], x.ToArray<Half>());
    }

    [Fact]
    public void BoolData_FillsAUInt8Input_AndIsRefusedForFloatOnes()
    {
        var predictor = new PredictorSignature([new TensorSignature("mask", DType.UInt8, [2]), new TensorSignature("x", DType.Float32, [2])],
            [new TensorSignature("y", DType.Float32, [2])], OutputKind.Tensors);
        var signature = new ModelSignature(predictor, OutputInterpreters.For(predictor).Outputs);

        var x = signature.Validate(Parse("{\"inputs\":[{\"name\":\"mask\",\"shape\":[1,2],\"datatype\":\"BOOL\",\"data\":[true,false]},{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}"), "m");
        Assert.Equal(new byte[] { 1, 0 }, x[0].ToArray<byte>());

        var error = Assert.Throws<ProtocolException>(() => signature.Validate(
            Parse("{\"inputs\":[{\"name\":\"mask\",\"shape\":[1,2],\"datatype\":\"BOOL\",\"data\":[true,false]},{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"BOOL\",\"data\":[true,true]}]}"), "m"));
        Assert.Contains("Input 'x' has datatype BOOL, but this model takes FP32 numbers", error.Message);
    }

    [Fact]
    public void ResponseWriter_WritesInt64Outputs_Exactly_AsJsonOrBinary()
    {
        var predictor = new PredictorSignature([new TensorSignature("x", DType.Float32, [1])], [new TensorSignature("label", DType.Int64, [1])], OutputKind.Tensors);
        long big = (1L << 40) + 3; // float32 would round this; the answer must not
        var outputs = OutputInterpreters.For(predictor).Interpret(new Lepton.Runtime.TensorSet([Tensor.FromArray([big, -2L], 2, 1)]), 2);
        foreach (bool binary in new[] { false, true })
        {
            var request = Parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,1],\"datatype\":\"FP32\",\"data\":[1,2]}],\"outputs\":[{\"name\":\"label\",\"parameters\":{\"binary_data\":" + (binary ? "true" : "false") + "}}]}");
            var buffer = new ArrayBufferWriter<byte>();
            int? header = InferenceResponseWriter.Write(buffer, new ResponseIdentity("m", "1", null, "p", ["p-0", "p-1"]), outputs, request);
            var json = JsonDocument.Parse(buffer.WrittenMemory[..(header ?? buffer.WrittenCount)]).RootElement.GetProperty("outputs")[0];
            Assert.Equal("INT64", json.GetProperty("datatype").GetString());
            long[] values = binary
                ? [BinaryPrimitives.ReadInt64LittleEndian(buffer.WrittenSpan[header!.Value..]), BinaryPrimitives.ReadInt64LittleEndian(buffer.WrittenSpan[(header.Value + 8)..])]
                : [.. json.GetProperty("data").EnumerateArray().Select(v => v.GetInt64())];
            Assert.Equal([big, -2L], values);
        }
    }

    [Fact]
    public void ResponseWriter_WritesJsonThenBinaryOutputs()
    {
        var outputs = new ClassifierOutputs([0f, 1f, 2f, 2f, 1f, 0f], 2, ["a", "b", "c"]);
        Assert.Equal([2, 0], outputs.TopClass);
        var request = Parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}],\"outputs\":[{\"name\":\"label\",\"parameters\":{\"binary_data\":true}},{\"name\":\"logits\"}]}");
        var buffer = new ArrayBufferWriter<byte>();
        int? header = InferenceResponseWriter.Write(buffer, new ResponseIdentity("m", "3", "r", "p", ["p-0", "p-1"]), outputs, request);
        Assert.NotNull(header);
        var json = JsonDocument.Parse(buffer.WrittenMemory[..header.Value]).RootElement;
        Assert.Equal("3", json.GetProperty("model_version").GetString());
        Assert.Equal(2, json.GetProperty("parameters").GetProperty("prediction_ids").GetArrayLength());
        var label = json.GetProperty("outputs")[0];
        Assert.Equal(10, label.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        var tail = buffer.WrittenSpan[header.Value..];
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(tail));
        Assert.Equal((byte)'c', tail[4]);
        Assert.Equal((byte)'a', tail[9]);
        Assert.Equal(6, json.GetProperty("outputs")[1].GetProperty("data").GetArrayLength());
    }
}
