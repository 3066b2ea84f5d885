using System.Globalization;

namespace Lepton.Compression.Tuning.Space;

/// <summary>
/// One dimension of a search space. Numbers lie in [<see cref="Low"/>, <see cref="High"/>], drawn uniformly or, with
/// <see cref="Log"/>, uniformly in their logarithm; a categorical parameter takes one of <see cref="Choices"/>. A value is
/// held as a double: the number itself, or the index of the choice.
/// </summary>
public sealed record SearchParameter(string Name, ParameterKind Kind, double Low = 0, double High = 0, bool Log = false, IReadOnlyList<string>? Choices = null)
{
    public static SearchParameter Float(string name, double low, double high, bool log = false) => Checked(new(name, ParameterKind.Float, low, high, log));

    public static SearchParameter Int(string name, int low, int high, bool log = false) => Checked(new(name, ParameterKind.Int, low, high, log));

    public static SearchParameter Categorical(string name, params string[] choices) => Checked(new(name, ParameterKind.Categorical, Choices: choices));

    public bool IsNumeric => Kind != ParameterKind.Categorical;

    /// <summary>The interval samplers work in: the value's logarithm for log parameters; integers widened by half a step each side so each is equally likely.</summary>
    public (double Low, double High) Internal => Kind switch
    {
        ParameterKind.Float => Log ? (Math.Log(Low), Math.Log(High)) : (Low, High),
        ParameterKind.Int => Log ? (Math.Log(Low - 0.5), Math.Log(High + 0.5)) : (Low - 0.5, High + 0.5),
        _ => (0, Choices!.Count),
    };

    /// <summary>The value for a point of <see cref="Internal"/> (clamped, rounded for integers).</summary>
    public double FromInternal(double x)
    {
        var (lo, hi) = Internal;
        x = Math.Clamp(x, lo, hi);
        double v = Log ? Math.Exp(x) : x;
        return Kind == ParameterKind.Int ? Math.Clamp(Math.Round(v), Low, High) : Math.Clamp(v, Low, High);
    }

    /// <summary>The point of <see cref="Internal"/> a value sits at.</summary>
    public double ToInternal(double value) => Log ? Math.Log(value) : value;

    /// <summary>A value as people read it: the choice's text, an integer, or a number in round-trip form.</summary>
    public string Format(double value) => Kind switch
    {
        ParameterKind.Categorical => Choices![(int)value],
        ParameterKind.Int => ((long)value).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>True when <paramref name="value"/> is one this parameter can take.</summary>
    public bool Contains(double value) => Kind switch
    {
        ParameterKind.Categorical => value >= 0 && value < Choices!.Count && value == Math.Floor(value),
        ParameterKind.Int => value >= Low && value <= High && value == Math.Floor(value),
        _ => value >= Low && value <= High,
    };

    private static SearchParameter Checked(SearchParameter p)
    {
        p.Validate();
        return p;
    }

    /// <summary>Throws naming the parameter, what it got and what is allowed.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("A search parameter needs a name.");
        switch (Kind)
        {
            case ParameterKind.Categorical:
                if (Choices is not { Count: > 0 }) throw new ArgumentException($"Parameter '{Name}': a categorical parameter needs at least one choice, e.g. [adam, sgd].");
                if (Choices.Distinct(StringComparer.Ordinal).Count() != Choices.Count) throw new ArgumentException($"Parameter '{Name}': choices repeat ({string.Join(", ", Choices)}).");
                break;
            default:
                if (!double.IsFinite(Low) || !double.IsFinite(High) || Low > High)
                    throw new ArgumentException($"Parameter '{Name}': needs finite low <= high, got low={Low}, high={High}.");
                if (Log && Low <= 0) throw new ArgumentException($"Parameter '{Name}': a log scale needs low > 0, got {Low}.");
                if (Kind == ParameterKind.Int && (Low != Math.Floor(Low) || High != Math.Floor(High)))
                    throw new ArgumentException($"Parameter '{Name}': an int parameter needs whole bounds, got {Low}..{High}.");
                break;
        }
    }
}
