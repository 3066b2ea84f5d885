namespace Lepton.Serving.Http.Dashboard;

/// <summary>A section of the dashboard page contributed by another part of Lepton (monitoring: drift and live accuracy over time).</summary>
public interface IDashboardPanel
{
    /// <summary>Heading of the section.</summary>
    string Title { get; }

    /// <summary>Sections are laid out by ascending order after the built-in ones.</summary>
    int Order { get; }

    /// <summary>Self-contained HTML (no scripts, no external assets; every text HTML-encoded) about one served model.</summary>
    Task<string> RenderHtmlAsync(string model, CancellationToken ct);
}
