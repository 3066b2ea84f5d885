using System.Text.Json.Nodes;
using Lepton.Registry.Store;

namespace Lepton.Factory.Recipes.Running;

/// <summary>
/// What the store keeps for one step (the record's output JSON): the input hash it ran with, its outputs, and the error
/// when it failed, as <c>{"input_hash": "...", "outputs": {...}, "error": "..."}</c>.
/// </summary>
public sealed record RecipeStepState(RecipeStepStatus Status, string InputHash, JsonObject Outputs, string? Error, DateTimeOffset UpdatedAt)
{
    public static RecipeStepState From(RecipeStepRecord record)
    {
        var json = JsonNode.Parse(record.OutputJson) as JsonObject ?? [];
        return new RecipeStepState(record.Status,
            json["input_hash"]?.GetValue<string>() ?? "",
            json["outputs"] as JsonObject ?? [],
            json["error"]?.GetValue<string>(),
            record.UpdatedAt);
    }

    public static string ToJson(string inputHash, JsonObject? outputs, string? error)
    {
        var json = new JsonObject { ["input_hash"] = inputHash, ["outputs"] = outputs?.DeepClone() ?? new JsonObject() };
        if (error is not null) json["error"] = error;
        return json.ToJsonString();
    }
}
