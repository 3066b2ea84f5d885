using System.Text.Json.Nodes;
using Lepton.Compression.Onnx;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>export</c>: writes the registered model as ONNX (opset 17) into the recipe's folder, <c>export/NAME-vN.onnx</c>, for
/// ONNX Runtime or any other runtime. An int8 model has no ONNX form here, so when compress kept one, its float original is
/// exported and the step says so.
/// </summary>
public sealed class ExportStep : IRecipeStep
{
    public string Name => "export";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "export");

    public Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var registered = context.Outputs("register");
        int version = registered["version"]!.GetValue<int>();
        bool int8 = context.HasOutputs("compress") && context.Outputs("compress")["kept"]?.GetValue<string>() == "int8";
        string folder = context.Trained()["model_dir"]!.GetValue<string>();
        string path = Path.Combine(context.WorkDirectory, "export", $"{context.Recipe.Name}-v{version}.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ct.ThrowIfCancellationRequested();
        long bytes = OnnxExporter.ExportFolder(folder, path);
        context.Log(int8
            ? $"wrote {path} ({bytes:N0} bytes): the float model {context.Recipe.Name}@{version} was quantized from (int8 layers have no ONNX export)"
            : $"wrote {path} ({bytes:N0} bytes): {context.Recipe.Name}@{version} as ONNX opset 17");
        return Task.FromResult(new JsonObject { ["onnx"] = path, ["bytes"] = bytes, ["version"] = version, ["float_of_int8"] = int8 });
    }
}
