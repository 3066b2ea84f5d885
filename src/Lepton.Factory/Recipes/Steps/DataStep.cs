using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Data.Images.Import;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Store;

namespace Lepton.Factory.Recipes.Steps;

/// <summary><c>data</c>: records the data the recipe names as a dataset version (the same files give the same version): Fashion-MNIST, or a folder of images imported.</summary>
public sealed class DataStep : IRecipeStep
{
    public string Name => "data";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "data");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var data = context.Recipe.Data;
        var version = data.IsImages
            ? await ImportImagesAsync(context, data, ct)
            : await DatasetVersions.RecordFashionMnistAsync(context.Registry.Store, data.Dir, context.Actor, ct);
        string reference = $"{version.Name}@{version.Version}";
        context.Log($"dataset {reference} ({version.ContentHash[..12]}){(version.ParentVersion is { } p ? $", parent version {p}" : "")}");
        return new JsonObject
        {
            ["dataset_ref"] = reference,
            ["dataset"] = version.Name,
            ["version"] = version.Version,
            ["content_hash"] = version.ContentHash,
        };
    }

    private static async Task<DatasetVersion> ImportImagesAsync(RecipeContext context, RecipeData data, CancellationToken ct)
    {
        var (w, h) = data.Size is { } size ? ImageImportOptions.ParseSize(size) : ((int?)null, (int?)null);
        var result = await ImageDatasets.ImportAsync(context.Registry.Store, context.Registry.Artifacts, data.Dir!, data.Name ?? context.Recipe.Name,
            new ImageImportOptions(w, h), null, context.Actor, ct);
        context.Log($"{result.Manifest.Items.Count} files, {result.Manifest.Items.Count(i => i.IsReadable)} readable images, {result.Decoded} decoded, {result.Reused} reused");
        return result.Version;
    }
}
