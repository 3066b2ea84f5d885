using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lepton.Compression.Tuning.Space;

/// <summary>The parameters a search draws, in file order; names are unique. <see cref="Fingerprint"/> tells a resumed study whether the space changed.</summary>
public sealed class SearchSpace
{
    public SearchSpace(IEnumerable<SearchParameter> parameters)
    {
        Parameters = [.. parameters];
        if (Parameters.Count == 0) throw new ArgumentException("A search space needs at least one parameter, e.g. lr: {type: float, low: 1e-4, high: 1e-1, log: true}.");
        foreach (var p in Parameters) p.Validate();
        var dup = Parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"The search space names parameter '{dup.Key}' twice.");
    }

    public IReadOnlyList<SearchParameter> Parameters { get; }

    public SearchParameter this[string name] => Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"The search space has no parameter '{name}'; it has {string.Join(", ", Parameters.Select(p => p.Name))}.");

    /// <summary>SHA-256 of a canonical description: the same for the same parameters, whatever the YAML's spacing.</summary>
    public string Fingerprint
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var p in Parameters)
                sb.Append(CultureInfo.InvariantCulture, $"{p.Name}|{p.Kind}|{p.Low:R}|{p.High:R}|{p.Log}|{string.Join(',', p.Choices ?? [])}\n");
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
        }
    }

    /// <summary>Values by name as people read them (choice texts, integers, numbers).</summary>
    public IReadOnlyDictionary<string, string> Describe(IReadOnlyDictionary<string, double> values) =>
        Parameters.Where(p => values.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => p.Format(values[p.Name]), StringComparer.Ordinal);
}
