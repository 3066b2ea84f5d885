using System.Text.Json;
using System.Text.Json.Serialization;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop;

/// <summary>Writes one loop run's decisions to the store (numbers as snake_case JSON), echoes them as progress and keeps them in order.</summary>
internal sealed class LoopDecisionLog(IRegistryStore store, string model, int championVersion, string actor, IProgress<string>? progress)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly List<LoopDecisionRecord> _decisions = [];

    public IReadOnlyList<LoopDecisionRecord> Decisions => _decisions;

    /// <summary>The step currently running, so a failure can be recorded against it.</summary>
    public string Step { get; set; } = "trigger";

    public async Task<LoopDecisionRecord> AddAsync(string step, string decision, int? challengerVersion, string reason, object numbers,
        CancellationToken ct = default)
    {
        Step = step;
        var record = await store.AddLoopDecisionAsync(new NewLoopDecision(model, step, decision, championVersion, challengerVersion, reason,
            JsonSerializer.Serialize(numbers, Json), actor), ct);
        _decisions.Add(record);
        progress?.Report($"[{step}] {decision}: {reason}");
        return record;
    }
}
