using System.Text.RegularExpressions;
using k8s.Models;
using Lepton.Monitoring.Alerts;
using Lepton.Registry.References;

namespace Lepton.Factory.Deployment.Kubernetes;

/// <summary>What the HorizontalPodAutoscaler scales on.</summary>
public enum KubernetesAutoscale
{
    /// <summary>No autoscaler: the Deployment keeps its replica count.</summary>
    None,

    /// <summary>Average CPU use against the pods' CPU request (needs the cluster's metrics-server).</summary>
    Cpu,

    /// <summary>Prediction requests per second per pod, a custom metric (needs prometheus-adapter; see docs/deploy.md).</summary>
    Requests,
}

/// <summary>
/// How <c>lepton deploy k8s</c> runs a registry model on Kubernetes: the model, replicas and autoscaling, the image, the
/// container's resources, the Secret that holds the registry connection, and the alert rules its servers check.
/// </summary>
public sealed partial record KubernetesOptions
{
    /// <summary>The pods metric the requests autoscaler reads (prometheus-adapter names lepton_http_requests_total's rate so).</summary>
    public const string RequestsMetric = "lepton_http_requests_per_second";

    /// <summary>The registry model the pods serve: name, name@3 or name@alias (a folder cannot travel into a pod).</summary>
    public required string Model { get; init; }

    /// <summary>The objects' name (a DNS label); default lepton- and the model's name.</summary>
    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public int Replicas { get; init; } = 2;

    /// <summary>The image built from the generated Dockerfile and pushed where the cluster pulls from.</summary>
    public string Image { get; init; } = "lepton:latest";

    public int Port { get; init; } = 8080;

    public string CpuRequest { get; init; } = "1";

    public string MemoryRequest { get; init; } = "1Gi";

    /// <summary>The memory limit; no CPU limit, since throttling a server under load only adds latency.</summary>
    public string MemoryLimit { get; init; } = "2Gi";

    /// <summary>The Secret with LEPTON_STORE (the shared registry, where the API keys live) and the artifact store's settings.</summary>
    public string SecretName { get; init; } = "lepton-secrets";

    public KubernetesAutoscale Autoscale { get; init; } = KubernetesAutoscale.Cpu;

    /// <summary>Most replicas the autoscaler may run; default twice <see cref="Replicas"/>.</summary>
    public int? MaxReplicas { get; init; }

    public int TargetCpuPercent { get; init; } = 70;

    public double TargetRequestsPerSecond { get; init; } = 50;

    /// <summary>The alert rules the servers check (monitoring: rules: of the generated lepton.yaml).</summary>
    public IReadOnlyList<AlertRule> Rules { get; init; } = [];

    public int EffectiveMaxReplicas => MaxReplicas ?? Math.Max(Replicas * 2, Replicas + 1);

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageReference();

    /// <summary>The model's reference, parsed; a folder path is refused with the way to register it.</summary>
    public ModelReference ModelReference()
    {
        var reference = Registry.References.ModelReference.Parse(Model, NoFolders.Instance);
        if (reference.Kind == ModelReferenceKind.Folder || reference.Name is null)
            throw new ArgumentException($"'{Model}' is a folder; pods serve registry models: lepton models register NAME --from {Model}, then deploy NAME@production.");
        return reference;
    }

    /// <summary>The objects' name: <see cref="Name"/>, or lepton- and the model name folded into a DNS label.</summary>
    public string ObjectName()
    {
        if (Name is not null) return Name;
        var chars = ModelReference().Name!.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-');
        string name = ("lepton-" + new string([.. chars])).TrimEnd('-');
        while (name.Contains("--", StringComparison.Ordinal)) name = name.Replace("--", "-", StringComparison.Ordinal);
        return name.Length <= 63 ? name : name[..63].TrimEnd('-');
    }

    /// <summary>Throws naming the setting, what it got and what it takes.</summary>
    public KubernetesOptions Validate()
    {
        ModelReference();
        if (Name is not null && !DnsLabel().IsMatch(Name))
            throw new ArgumentException($"Kubernetes name '{Name}' must be a DNS label: 1 to 63 lower-case letters, digits and '-', starting with a letter.");
        if (Namespace is not null && !DnsLabel().IsMatch(Namespace))
            throw new ArgumentException($"Kubernetes namespace '{Namespace}' must be a DNS label: 1 to 63 lower-case letters, digits and '-', starting with a letter.");
        if (!DnsLabel().IsMatch(SecretName.Replace('.', '-')) || SecretName.Length > 253)
            throw new ArgumentException($"Secret name '{SecretName}' must be lower-case letters, digits, '-' and '.', starting with a letter.");
        if (Replicas is < 1 or > 1000) throw new ArgumentException($"Replicas must be 1 to 1000, got {Replicas}.");
        if (EffectiveMaxReplicas < Replicas || EffectiveMaxReplicas > 1000)
            throw new ArgumentException($"Max replicas must be {Replicas} (the replica count) to 1000, got {EffectiveMaxReplicas}.");
        if (Port is < 1 or > 65535) throw new ArgumentException($"Port must be 1 to 65535, got {Port}.");
        if (!ImageReference().IsMatch(Image) || Image.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"Image '{Image}' is not an image reference; write e.g. registry.example.com/lepton:1.0.");
        Quantity(CpuRequest, "CPU request", "500m or 2");
        Quantity(MemoryRequest, "memory request", "512Mi or 2Gi");
        if (Quantity(MemoryLimit, "memory limit", "2Gi") < Quantity(MemoryRequest, "memory request", "512Mi or 2Gi"))
            throw new ArgumentException($"The memory limit {MemoryLimit} is below the memory request {MemoryRequest}; raise the limit.");
        if (TargetCpuPercent is < 1 or > 100) throw new ArgumentException($"The CPU target must be 1 to 100 percent of the request, got {TargetCpuPercent}.");
        if (!(TargetRequestsPerSecond > 0 && TargetRequestsPerSecond <= 1_000_000))
            throw new ArgumentException($"The requests-per-second target must be above 0, got {TargetRequestsPerSecond}.");
        if (Rules is null) throw new ArgumentException("Alert rules must be a list (empty for none).");
        return this;
    }

    /// <summary>The compute threads for the CPU request: whole cores, at least one (the engine would otherwise use the node's).</summary>
    public int Threads() => (int)Math.Max(1, Math.Ceiling(Quantity(CpuRequest, "CPU request", "500m or 2")));

    private static decimal Quantity(string text, string what, string example)
    {
        decimal value;
        try
        {
            value = new ResourceQuantity(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"The {what} '{text}' is not a Kubernetes quantity; write e.g. {example}.");
        }
        return value > 0 ? value : throw new ArgumentException($"The {what} must be above zero, got '{text}'.");
    }

    /// <summary>A model reference here is never a local folder, so the file system is not asked.</summary>
    private sealed class NoFolders : IFolderProbe
    {
        public static readonly NoFolders Instance = new();

        public bool DirectoryExists(string path) => false;
    }
}
