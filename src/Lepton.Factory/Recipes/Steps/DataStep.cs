using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Data.Images.Import;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Store;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>data</c>: records the data the recipe names as a dataset version (the same files give the same version): Fashion-MNIST,
/// a folder of images imported, or a table imported and split.
/// </summary>
public sealed class DataStep : IRecipeStep
{
    public string Name => "data";

    public string InputHash(Recipe recipe)
    {
        string hash = RecipeHash.Of(recipe, "data");
        // A table edited in place is new data though the recipe text is the same: its files' sizes and times join the hash. A
        // database's rows can change at any time, so a query runs on every run (the same rows import as the same version, and the
        // steps after it find their inputs unchanged).
        if (recipe.Data is { IsTable: true, Table.Query: not null }) return $"{hash} {RecipeHash.Part("query-run", DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
        return recipe.Data is { IsTable: true, Dir: { } path } ? $"{hash} {RecipeHash.Part("table-files", FilesStamp(path))}" : hash;
    }

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var data = context.Recipe.Data;
        var version = data.IsImages ? await ImportImagesAsync(context, data, ct)
            : data.IsTable ? await ImportTableAsync(context, data, ct)
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

    // The table as lepton data import reads it, then (without a split column) split as lepton data split would, recorded as its child;
    // then with its lags as lepton data lags would add them.
    private static async Task<DatasetVersion> ImportTableAsync(RecipeContext context, RecipeData data, CancellationToken ct)
    {
        var table = data.Table!;
        var registry = context.Registry;
        var imported = await TableDatasets.ImportAsync(registry.Store, registry.Artifacts, data.Dir!, data.Name ?? context.Recipe.Name,
            table.ToImportOptions(), context.Actor, ct);
        context.Log($"{imported.Table.RowCount:N0} rows, {imported.Table.Columns.Count} columns ({imported.Version.Name}@{imported.Version.Version})");
        var version = imported.Version;
        if (table.SplitColumn is null)
        {
            var split = await TableDatasets.SplitAsync(registry.Store, registry.Artifacts, imported.Version,
                table.ToSplitOptions(imported.Schema.Task, (int)(context.Recipe.Training.Seed % int.MaxValue)), context.Actor, ct);
            context.Log(string.Join(", ", split.Splits.Counts().Select(c => $"{c.Key} {c.Value:N0}")) + $" ({split.Note})");
            version = split.Version;
        }
        if (table.Lags is not { } lags) return version;
        var derived = await TableDatasets.LagsAsync(registry.Store, registry.Artifacts, version, lags, context.Actor, ct);
        context.Log(derived.Note);
        return derived.Version;
    }

    private static string FilesStamp(string path)
    {
        var files = File.Exists(path) ? [new FileInfo(path)]
            : Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal).ToArray()
            : Array.Empty<FileInfo>();
        return string.Join(";", files.Select(f => $"{Path.GetRelativePath(path, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
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
