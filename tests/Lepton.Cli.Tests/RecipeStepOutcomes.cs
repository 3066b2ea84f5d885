using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>The outcome of each step of a <c>lepton run --json</c>, by step name in run order.</summary>
internal static class RecipeStepOutcomes
{
    public static Dictionary<string, string?> Of(string runJson) =>
        JsonDocument.Parse(runJson).RootElement.GetProperty("steps").EnumerateArray()
            .ToDictionary(s => s.GetProperty("step").GetString()!, s => s.GetProperty("outcome").GetString());
}
