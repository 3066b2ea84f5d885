// The reference server of bench/serve-onnx-compare.sh: what a .NET team writes without Lepton. ASP.NET Core minimal API,
// System.Text.Json, one ONNX Runtime session (2 intra-op threads, as Lepton's --threads 2) run once per request, no
// batching, no logging: POST /v2/models/{name}/infer takes the OIP v2 JSON body of one FP32 input and answers its output.
//   dotnet OnnxServer.dll MODEL.onnx PORT [NAME]
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

string modelPath = args[0];
int port = int.Parse(args[1]);
string name = args.Length > 2 ? args[2] : "fashion";
using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var session = new InferenceSession(modelPath, options);
string inputName = session.InputMetadata.Keys.First();
string outputName = session.OutputMetadata.Keys.First();

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();
app.MapGet("/v2/health/ready", () => Results.Ok());
app.MapPost("/v2/models/{model}/infer", async (string model, HttpRequest request) =>
{
    if (model != name) return Results.NotFound();
    var body = await JsonNode.ParseAsync(request.Body);
    var input = body?["inputs"]?[0] ?? throw new BadHttpRequestException("no inputs");
    int[] shape = [.. input["shape"]!.AsArray().Select(d => d!.GetValue<int>())];
    float[] data = [.. input["data"]!.AsArray().Select(v => v!.GetValue<float>())];
    var tensor = new DenseTensor<float>(data, shape);
    using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
    var output = results.First().AsTensor<float>();
    var reply = new JsonObject
    {
        ["model_name"] = name,
        ["outputs"] = new JsonArray(new JsonObject
        {
            ["name"] = outputName,
            ["shape"] = new JsonArray([.. output.Dimensions.ToArray().Select(d => (JsonNode)d)]),
            ["datatype"] = "FP32",
            ["data"] = new JsonArray([.. output.ToArray().Select(v => (JsonNode)v)]),
        }),
    };
    return Results.Content(reply.ToJsonString(), "application/json");
});
app.Run();
