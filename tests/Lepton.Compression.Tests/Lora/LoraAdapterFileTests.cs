using System.Text.Json.Nodes;
using Lepton.Compression.Lora;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Tests.Lora;

/// <summary>adapter.json + adapter.safetensors: a round trip onto the base model, and refusals of the wrong base or damaged files.</summary>
public sealed class LoraAdapterFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-lora-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // A base model folder and an adapter trained (here: set) on it.
    private (string Base, string Adapter, LoraAdapters Adapters) Make(ulong seed = 1)
    {
        var rng = new Generator(seed);
        var model = new Sequential(new Linear(6, 8, rng: rng), new ReLU(), new Linear(8, 3, rng: rng));
        string baseDir = Path.Combine(_dir, "base" + seed);
        ModelFile.Save(baseDir, model, new ModelSpec { Input = new InputSpec("input", [-1, 6]) });
        var adapters = LoraAdapters.Attach(model, new LoraOptions(2, 4), rng);
        foreach (var (_, a) in adapters.Entries) a.B.Assign(Tensor.Randn(a.B.Shape, rng, std: 0.3));
        string adapterDir = Path.Combine(_dir, "adapter" + seed);
        LoraAdapterFile.Save(adapterDir, adapters, LoraAdapterFile.BaseWeightsHash(baseDir), "base@1");
        return (baseDir, adapterDir, adapters);
    }

    [Fact]
    public void SaveThenLoad_OnItsBase_GivesTheSameOutputsMergedOrNot()
    {
        var (baseDir, adapterDir, adapters) = Make();
        var x = Tensor.Randn(new Shape(4, 6), new Generator(9));
        var trained = adapters.Model.Forward(x);

        var (attached, _) = LoraModel.Load(baseDir, adapterDir);
        var (merged, _) = LoraModel.Load(baseDir, adapterDir, merge: true);

        Assert.Equal(trained.ToArray(), attached.Model.Forward(x).ToArray());
        var m = merged.Model.Forward(x).ToArray();
        var t = trained.ToArray();
        for (int i = 0; i < t.Length; i++) Assert.True(Math.Abs(m[i] - t[i]) <= 1e-5 * Math.Max(1, Math.Abs(t[i])), $"merged output {i}: {m[i]} vs {t[i]}");
        var info = LoraAdapterFile.ReadInfo(adapterDir);
        Assert.Equal(["0", "2"], info.Targets);
        Assert.Equal("base@1", info.BaseModel);
        Assert.Equal(adapters.ParameterCount, info.Parameters);
        Assert.True(new FileInfo(Path.Combine(adapterDir, LoraAdapterFile.WeightsFileName)).Length < 4096, "a small adapter is a few KB at most");
    }

    [Fact]
    public void Load_OnAnotherBase_IsRefusedNamingBoth()
    {
        var (_, adapterDir, _) = Make(1);
        var (otherBase, _, _) = Make(2);
        var e = Assert.Throws<InvalidDataException>(() => LoraModel.Load(otherBase, adapterDir));
        Assert.Contains("was trained on base weights", e.Message);
        Assert.Contains("base@1", e.Message);
    }

    [Fact]
    public void Load_TensorOfTheWrongShape_IsRefused()
    {
        var (baseDir, adapterDir, adapters) = Make();
        var state = adapters.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["0.lora_A.weight"] = Tensor.Zeros(3, 6);
        SafetensorsWriter.Write(Path.Combine(adapterDir, LoraAdapterFile.WeightsFileName), state);

        var e = Assert.Throws<InvalidDataException>(() => LoraModel.Load(baseDir, adapterDir));
        Assert.Contains("'0.lora_A.weight' has shape (3,6)", e.Message);
    }

    [Fact]
    public void Load_UnexpectedTensor_IsRefused()
    {
        var (baseDir, adapterDir, adapters) = Make();
        var state = adapters.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["9.lora_A.weight"] = Tensor.Zeros(2, 6);
        SafetensorsWriter.Write(Path.Combine(adapterDir, LoraAdapterFile.WeightsFileName), state);

        var e = Assert.Throws<InvalidDataException>(() => LoraModel.Load(baseDir, adapterDir));
        Assert.Contains("9.lora_A.weight", e.Message);
    }

    [Theory]
    [InlineData("format", "\"peft\"", "not a Lepton LoRA adapter")]
    [InlineData("rank", "0", "rank must be in [1, 1024]")]
    [InlineData("targets", "[\"../x\"]", "is not a layer name")]
    [InlineData("base_weights_sha256", "\"abc\"", "is not 64 lowercase hex digits")]
    [InlineData("alpha", "\"x\"", "wrong type")]
    public void ReadInfo_HostileField_IsRefused(string field, string value, string message)
    {
        var (_, adapterDir, _) = Make();
        string path = Path.Combine(adapterDir, LoraAdapterFile.InfoFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json[field] = JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => LoraAdapterFile.ReadInfo(adapterDir));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ReadInfo_OversizedFile_IsRefusedBeforeParsing()
    {
        var (_, adapterDir, _) = Make();
        File.WriteAllText(Path.Combine(adapterDir, LoraAdapterFile.InfoFileName), new string(' ', (int)LoraAdapterFile.MaxInfoBytes + 1));
        var e = Assert.Throws<InvalidDataException>(() => LoraAdapterFile.ReadInfo(adapterDir));
        Assert.Contains("more than the", e.Message);
    }
}
