using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Lepton.Factory.Deployment;

/// <summary>
/// One server's address as a person writes it (<c>host:port</c>, <c>[::1]:port</c>). Hosts are DNS names or IP
/// addresses only, so an address can never smuggle a directive into a generated configuration file.
/// </summary>
public sealed partial record ReplicaAddress(string Host, int Port)
{
    /// <summary>Most addresses one list may hold; a longer list is almost certainly a mistake.</summary>
    public const int MaxCount = 256;

    private const int MaxTextLength = 300;
    private const string Form = "write host:port, e.g. 10.0.0.5:8080, lepton-1.internal:8080 or [::1]:8080";

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsName();

    /// <summary>Whether the host is an IPv6 literal, which configuration files write in brackets.</summary>
    public bool IsIPv6 => Host.Contains(':');

    /// <summary>The address as configuration files write it: <c>host:port</c> or <c>[v6]:port</c>.</summary>
    public override string ToString() => IsIPv6 ? $"[{Host}]:{Port}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses one address; <paramref name="what"/> names the option in the error (e.g. "--replicas").</summary>
    public static ReplicaAddress Parse(string? text, string what = "address")
    {
        string t = (text ?? "").Trim();
        if (t.Length == 0) throw new FormatException($"{what}: an address is empty; {Form}.");
        if (t.Length > MaxTextLength) throw new FormatException($"{what}: an address is {t.Length} characters long (at most {MaxTextLength}); {Form}.");
        int colon = t.LastIndexOf(':');
        if (colon <= 0 || colon == t.Length - 1) throw new FormatException($"{what}: '{t}' has no port; {Form}.");
        string host = t[..colon], portText = t[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new FormatException($"{what}: '{portText}' in '{t}' is not a TCP port (1 to 65535); {Form}.");
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            string inner = host[1..^1];
            if (!IPAddress.TryParse(inner, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || inner.Contains('%'))
                throw new FormatException($"{what}: '{host}' is not an IPv6 address; {Form}.");
            return new ReplicaAddress(v6.ToString(), port);
        }
        if (host.Contains(':')) throw new FormatException($"{what}: '{t}' looks like an IPv6 address without brackets; write [{host}]:{portText}.");
        if (!DnsName().IsMatch(host))
            throw new FormatException($"{what}: host '{host}' is neither a DNS name (letters, digits, '-' and '.') nor an IP address; {Form}.");
        return new ReplicaAddress(host.ToLowerInvariant(), port);
    }

    /// <summary>Parses a comma-separated list: at least one address, at most <see cref="MaxCount"/>, none twice.</summary>
    public static IReadOnlyList<ReplicaAddress> ParseList(string? text, string what = "addresses")
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException($"{what}: give at least one address; {Form}, separated by commas.");
        if (text.Length > MaxCount * (MaxTextLength + 1)) throw new FormatException($"{what}: the list is {text.Length} characters long; give at most {MaxCount} addresses.");
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new FormatException($"{what}: give at least one address; {Form}, separated by commas.");
        if (parts.Length > MaxCount) throw new FormatException($"{what}: {parts.Length} addresses given; at most {MaxCount}.");
        var list = new List<ReplicaAddress>(parts.Length);
        foreach (string part in parts)
        {
            var address = Parse(part, what);
            if (list.Contains(address)) throw new FormatException($"{what}: {address} is listed twice; each replica once.");
            list.Add(address);
        }
        return list;
    }
}
