using System.Text.Json;

namespace Lepton.Factory.Simulation;

/// <summary>Labelled texts sent one per request as <c>{"instances":["..."]}</c>; a drifted stream is a different list of texts.</summary>
public sealed class TextTrafficSource : ITrafficSource
{
    private readonly IReadOnlyList<string> _texts;
    private readonly IReadOnlyList<int> _labels;

    public TextTrafficSource(IReadOnlyList<string> texts, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        if (texts.Count != labels.Count) throw new ArgumentException($"{texts.Count} texts but {labels.Count} labels.", nameof(labels));
        if (labels.Any(l => (uint)l >= (uint)classNames.Count)) throw new ArgumentException($"A label is outside the {classNames.Count} classes.", nameof(labels));
        _texts = texts;
        _labels = labels;
        ClassNames = classNames;
    }

    public IReadOnlyList<string> ClassNames { get; }

    public int Count => _texts.Count;

    public int Label(int example) => _labels[example];

    public string RequestBody(int example, ImageDrift drift)
    {
        if (!drift.IsIdentity) throw new ArgumentException("Texts do not take an image drift; send a drifted list of texts instead.", nameof(drift));
        return JsonSerializer.Serialize(new { instances = new[] { _texts[example] } });
    }
}
