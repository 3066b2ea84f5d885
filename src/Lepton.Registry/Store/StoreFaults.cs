using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lepton.Registry.Worker")]

namespace Lepton.Registry.Store;

/// <summary>
/// Fault injection for crash tests: the store calls <see cref="Hit"/> between the steps of a write (for example
/// <c>register:after-insert-version</c>), and a test worker sets <see cref="Hook"/> to kill its own process there.
/// </summary>
internal static class StoreFaults
{
    /// <summary>Every point a write passes, in order, so tests can crash at each of them.</summary>
    public static readonly IReadOnlyList<string> Points =
    [
        "register:begin", "register:after-version-number", "register:after-insert-version",
        "register:after-audit", "register:before-commit", "register:after-commit",
        "alias:after-lock", "alias:after-upsert", "alias:after-history", "alias:before-commit", "alias:after-commit",
    ];

    public static Action<string>? Hook { get; set; }

    public static void Hit(string point) => Hook?.Invoke(point);
}
