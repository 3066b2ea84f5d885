using k8s;
using k8s.Models;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.HaProxy;
using Lepton.Factory.Deployment.Kubernetes;
using Lepton.Factory.Recipes;
using Lepton.Monitoring.Alerts;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>The generated manifests read back through KubernetesClient's typed loader and built by the real kubectl kustomize.</summary>
public sealed class KubernetesManifestsTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-k8s-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KubernetesOptions Options(KubernetesAutoscale autoscale = KubernetesAutoscale.Cpu) => new()
    {
        Model = "fashion@production",
        Replicas = 3,
        Image = "registry.example.com/lepton:1.2",
        Autoscale = autoscale,
        Rules = [AlertRule.Parse("p99 > 50ms"), AlertRule.Parse("accuracy < 85% over 500 labels")],
    };

    /// <summary>Every manifest file read strictly (an unknown field throws) into KubernetesClient's typed objects.</summary>
    private static List<object> Load(IReadOnlyList<DeploymentFile> files) =>
        [.. files.Where(f => f.Name.EndsWith(".yaml", StringComparison.Ordinal) && f.Name != "kustomization.yaml")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(f.Text, null, strict: true))];

    [Fact]
    public void Files_LoadedByKubernetesClient_AreTheFourKnownKinds()
    {
        var objects = Load(KubernetesManifests.Files(Options()));

        Assert.Collection(objects,
            o => Assert.IsType<V1ConfigMap>(o),
            o => Assert.IsType<V1Deployment>(o),
            o => Assert.IsType<V1Service>(o),
            o => Assert.IsType<V2HorizontalPodAutoscaler>(o));
    }

    [Fact]
    public void Deployment_ReadBack_ProbesHealthEndpointsRequestsResourcesAndReadsTheStoreFromTheSecret()
    {
        var deployment = Load(KubernetesManifests.Files(Options())).OfType<V1Deployment>().Single();

        Assert.Equal("lepton-fashion", deployment.Metadata.Name);
        Assert.Equal(3, deployment.Spec.Replicas);
        var c = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("registry.example.com/lepton:1.2", c.Image);
        Assert.Equal(["serve", "--host", "0.0.0.0", "--port", "8080"], c.Args);
        Assert.Equal(HaProxyConfig.ReadyPath, c.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/v2/health/live", c.LivenessProbe.HttpGet.Path);
        Assert.Equal("http", c.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(new ResourceQuantity("1"), c.Resources.Requests["cpu"]);
        Assert.Equal(new ResourceQuantity("1Gi"), c.Resources.Requests["memory"]);
        var store = Assert.Single(c.Env, e => e.Name == KubernetesManifests.StoreKey);
        Assert.Equal("lepton-secrets", store.ValueFrom.SecretKeyRef.Name);
        Assert.False(store.ValueFrom.SecretKeyRef.Optional);
        Assert.All(c.Env.Where(e => e.ValueFrom is not null && e.Name != KubernetesManifests.StoreKey), e => Assert.True(e.ValueFrom.SecretKeyRef.Optional));
        Assert.DoesNotContain(c.Env, e => e.Value is { } v && v.Contains("postgres", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels.Where(l => deployment.Spec.Selector.MatchLabels.ContainsKey(l.Key)).ToDictionary());
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(KubernetesManifests.UserId, deployment.Spec.Template.Spec.SecurityContext.RunAsUser);
    }

    [Fact]
    public void ConfigMap_LeptonYaml_IsARecipeServingTheModelWithItsAlertRules()
    {
        var map = Load(KubernetesManifests.Files(Options())).OfType<V1ConfigMap>().Single();

        var recipe = RecipeLoader.Parse(map.Data["lepton.yaml"]);

        Assert.Equal("fashion", recipe.Name);
        Assert.Equal(["fashion@production"], recipe.Serve.Models);
        Assert.Equal(["p99 > 50ms", "accuracy < 85% over 500 labels"], recipe.Monitoring.Rules.Select(r => r.Text));
        Assert.Null(recipe.Store);
    }

    [Fact]
    public void Deployment_ConfigChanged_ChangesThePodTemplateSoApplyRollsThePods()
    {
        string Hash(KubernetesOptions o) => KubernetesManifests.Deployment(o).Spec.Template.Metadata.Annotations["lepton.dev/config-sha256"];

        Assert.Equal(Hash(Options()), Hash(Options()));
        Assert.NotEqual(Hash(Options()), Hash(Options() with { Rules = [] }));
    }

    [Fact]
    public void Autoscaler_Requests_ScalesOnThePerPodRequestRateBetweenTheReplicasAndTheMaximum()
    {
        var hpa = KubernetesManifests.Autoscaler(Options(KubernetesAutoscale.Requests) with { TargetRequestsPerSecond = 2.5, MaxReplicas = 10 })!;

        Assert.Equal(3, hpa.Spec.MinReplicas);
        Assert.Equal(10, hpa.Spec.MaxReplicas);
        Assert.Equal("lepton-fashion", hpa.Spec.ScaleTargetRef.Name);
        var metric = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal("Pods", metric.Type);
        Assert.Equal(KubernetesOptions.RequestsMetric, metric.Pods.Metric.Name);
        Assert.Equal(new ResourceQuantity("2500m"), metric.Pods.Target.AverageValue);
    }

    [Fact]
    public void Files_NoAutoscale_HasNoAutoscalerAndTheKustomizationListsWhatIsThere()
    {
        var files = KubernetesManifests.Files(Options(KubernetesAutoscale.None));

        Assert.Equal(["configmap.yaml", "deployment.yaml", "service.yaml", "kustomization.yaml", "Dockerfile"], files.Select(f => f.Name));
        Assert.Contains("resources:\n- configmap.yaml\n- deployment.yaml\n- service.yaml\n", files.Single(f => f.Name == "kustomization.yaml").Text);
    }

    [Fact]
    public async Task Files_KubectlKustomize_BuildsEveryObjectInTheNamespace()
    {
        string kubectl = ExternalTool.Require("kubectl", "kubectl");
        DeploymentWriter.Write(_dir, KubernetesManifests.Files(Options() with { Namespace = "models" }));

        var (code, output) = await ExternalTool.RunAsync(kubectl, ["kustomize", _dir]);

        log.WriteLine(output);
        Assert.True(code == 0, $"kubectl kustomize failed:\n{output}");
        var objects = KubernetesYaml.LoadAllFromString(output, null, strict: true);
        Assert.Equal(["ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler"], objects.Cast<IKubernetesObject<V1ObjectMeta>>().Select(o => o.Kind));
        Assert.All(objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o => Assert.Equal("models", o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void Dockerfile_PublishesTheCommandSelfContainedAndRunsItAsTheDeploymentsUser()
    {
        string text = ServerDockerfile.Render(Options());

        Assert.Contains("dotnet publish src/Lepton.Cli/Lepton.Cli.csproj -c Release -r linux-x64 --self-contained true -o /out", text);
        Assert.Contains("ENTRYPOINT [\"/opt/lepton/lepton\"]", text);
        Assert.Contains($"USER {KubernetesManifests.UserId}", text);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "src/Lepton.Cli/Lepton.Cli.csproj")), "the Dockerfile publishes a project that moved");
    }

    [Theory]
    [InlineData("Fashion_MNIST.v2@production", "lepton-fashion-mnist-v2")]
    [InlineData("shapes@3", "lepton-shapes")]
    [InlineData("a--b_", "lepton-a-b")]
    public void ObjectName_ModelName_FoldsIntoADnsLabel(string model, string name) =>
        Assert.Equal(name, new KubernetesOptions { Model = model }.ObjectName());

    [Theory]
    [InlineData("./models/cnn", null, "a folder")]
    [InlineData("fashion", "Fashion", "DNS label")]
    [InlineData("fashion", "-x", "DNS label")]
    public void Validate_BadModelOrName_Throws(string model, string? name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubernetesOptions { Model = model, Name = name }.Validate());

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Validate_MemoryLimitBelowRequest_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => (Options() with { MemoryRequest = "4Gi", MemoryLimit = "2Gi" }).Validate());

        Assert.Contains("below the memory request", error.Message);
    }

    [Fact]
    public void Validate_BadQuantity_NamesItAndAnExample()
    {
        var error = Assert.Throws<ArgumentException>(() => (Options() with { CpuRequest = "lots" }).Validate());

        Assert.Contains("CPU request 'lots'", error.Message);
    }

    [Fact]
    public void Threads_CpuRequest_IsWholeCoresAtLeastOne()
    {
        Assert.Equal(1, (Options() with { CpuRequest = "500m" }).Threads());
        Assert.Equal(3, (Options() with { CpuRequest = "2500m" }).Threads());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lepton.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Lepton.slnx not found above the test folder.");
    }
}
