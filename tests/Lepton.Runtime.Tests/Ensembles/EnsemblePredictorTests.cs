using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Runtime.Ensembles;

namespace Lepton.Runtime.Tests.Ensembles;

/// <summary>
/// Ensemble folders written, loaded through the ensemble kind (members found by a dictionary instead of a registry) and run:
/// answers against hand-computed votes, each member's own preprocessing, and the refusals.
/// </summary>
public sealed class EnsemblePredictorTests : IDisposable
{
    private readonly TempFolders _folders = new();
    private readonly Dictionary<string, string> _stored = [];

    public void Dispose() => _folders.Dispose();

    // A one-layer model on input "x" (-1, inputs): logits = W x + b, with x first multiplied by scale.
    private EnsembleMember Member(string reference, float[,] w, float[] b, double scale = 1, string[]? classes = null, TaskSpec? task = null, int inputs = 2)
    {
        var dir = _folders.New();
        var linear = new Linear(inputs, b.Length, rng: new Generator(1));
        var flat = new float[b.Length * inputs];
        for (int o = 0; o < b.Length; o++)
            for (int i = 0; i < inputs; i++) flat[o * inputs + i] = w[o, i];
        linear.Weight.Assign(Tensor.FromArray(flat, b.Length, inputs));
        linear.Bias!.Assign(Tensor.FromArray(b, b.Length));
        ModelFile.Save(dir, new Sequential(linear), new ModelSpec
        {
            Input = new InputSpec("x", [-1, inputs]),
            Preprocessing = scale == 1 ? null : new PreprocessingSpec(scale),
            ClassNames = classes ?? (task is null ? ["a", "b", "c"] : []),
            Task = task ?? TaskSpec.Multiclass,
        });
        string artifact = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reference)));
        _stored[artifact] = dir;
        return new EnsembleMember(reference, artifact);
    }

    private static readonly float[,] Pick = { { 1, 0 }, { 0, 1 }, { 0, 0 } };
    private static readonly float[,] Zero3 = { { 0, 0 }, { 0, 0 }, { 0, 0 } };

    // A: [x0, x1, 0]; B: the same on x scaled by 2; C: always [0, 0, ln 4].
    private EnsembleMember[] ThreeClassifiers() =>
        [Member("a@1", Pick, [0, 0, 0]), Member("b@2", Pick, [0, 0, 0], scale: 2), Member("c@3", Zero3, [0, 0, MathF.Log(4)])];

    private IPredictor Ensemble(EnsembleVote vote, params EnsembleMember[] members)
    {
        var dir = _folders.New();
        EnsembleFolder.Write(dir, vote, [.. members.Select(m => (m, _stored[m.Artifact]))]);
        return Loader().Load(dir);
    }

    private PredictorLoader Loader() => PredictorLoader.Default.With(new EnsembleModelKind(m => _stored[m.Artifact]));

    private static readonly Tensor TwoRows = Tensor.FromArray([MathF.Log(2), 0, 0, MathF.Log(2)], 2, 2);

    [Fact]
    public void SoftVote_AnswersTheMeanOfTheMembersProbabilities()
    {
        using var ensemble = Ensemble(EnsembleVote.Soft, ThreeClassifiers());

        var p = ensemble.Predict(ensemble.Preprocess(0, TwoRows))[0].Softmax(-1).ToArray();

        // Row 0: [1/2, 1/4, 1/4], [2/3, 1/6, 1/6] (B doubles x), [1/6, 1/6, 2/3] → [4/9, 7/36, 13/36]; row 1 swaps the first two.
        double[] expected = [4.0 / 9, 7.0 / 36, 13.0 / 36, 7.0 / 36, 4.0 / 9, 13.0 / 36];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p[i], 5);
        Assert.Equal("ensemble", ensemble.Kind);
        Assert.Equal(["a", "b", "c"], ensemble.Signature.ClassNames);
        Assert.Equal(OutputKind.ClassLogits, ensemble.Signature.Kind);
    }

    [Fact]
    public void HardVote_AnswersTheShareOfVotes()
    {
        using var ensemble = Ensemble(EnsembleVote.Hard, ThreeClassifiers());

        var p = ensemble.Predict(TwoRows)[0].Softmax(-1).ToArray();

        // Row 0: A and B vote a, C votes c; row 1: A and B vote b.
        double[] expected = [2.0 / 3, 0, 1.0 / 3, 0, 2.0 / 3, 1.0 / 3];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p[i], 6);
    }

    [Fact]
    public void MeanVote_AveragesRegressionValuesAndWarmsUp()
    {
        var regression = new TaskSpec(TaskKind.Regression);
        float[,] w = { { 1, 1 } };
        using var ensemble = Ensemble(EnsembleVote.Mean,
            Member("r1@1", w, [1], task: regression), Member("r2@1", w, [2], task: regression), Member("r3@1", w, [6], task: regression, scale: 3));
        ensemble.WarmUp(4);

        var y = ensemble.Predict(Tensor.FromArray([1f, 2], 1, 2))[0].ToArray();

        // (1+2+1) + (1+2+2) + (3+6+6) = 4 + 5 + 15 → 8
        Assert.Equal(8f, y[0], 5);
        Assert.Equal(TaskKind.Regression, ensemble.Signature.Task!.Kind);
    }

    [Fact]
    public void Write_MembersWithDifferentInputs_IsRefusedNamingBoth()
    {
        var a = Member("a@1", Pick, [0, 0, 0]);
        var wide = Member("wide@4", new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, [0, 0, 0], inputs: 3);

        var e = Assert.Throws<ArgumentException>(() => Ensemble(EnsembleVote.Soft, a, wide));

        Assert.Contains("must share the input signature", e.Message);
        Assert.Contains("a@1 takes x float32 [2]", e.Message);
        Assert.Contains("wide@4 takes x float32 [3]", e.Message);
    }

    [Fact]
    public void Write_OtherClassesOrTheWrongVote_AreRefused()
    {
        var a = Member("a@1", Pick, [0, 0, 0]);
        var other = Member("other@1", Pick, [0, 0, 0], classes: ["a", "b", "z"]);
        Assert.Contains("same classes in the same order", Assert.Throws<ArgumentException>(() => Ensemble(EnsembleVote.Soft, a, other)).Message);

        var b = Member("b@1", Pick, [1, 0, 0]);
        Assert.Contains("use --vote soft or hard", Assert.Throws<ArgumentException>(() => Ensemble(EnsembleVote.Mean, a, b)).Message);
    }

    [Fact]
    public void Write_AnEnsembleAsAMember_IsRefused()
    {
        var members = ThreeClassifiers();
        var inner = _folders.New();
        EnsembleFolder.Write(inner, EnsembleVote.Soft, [.. members.Take(2).Select(m => (m, _stored[m.Artifact]))]);
        _stored[new string('e', 64)] = inner;

        var e = Assert.Throws<ArgumentException>(() => Ensemble(EnsembleVote.Soft, members[2], new EnsembleMember("inner@1", new string('e', 64))));

        Assert.Contains("inner@1 is itself an ensemble", e.Message);
    }

    [Theory]
    [InlineData("""{"format":"lepton-ensemble","format_version":1,"vote":"soft","members":[{"reference":"../x@1","artifact":"AA"},{"reference":"b@1","artifact":"BB"}]}""", "is not a registered version")]
    [InlineData("""{"format":"lepton-ensemble","format_version":1,"vote":"loud","members":[]}""", "is not a vote")]
    [InlineData("""{"format":"lepton-ensemble","format_version":2,"vote":"soft","members":[]}""", "format_version 2 is not supported")]
    [InlineData("""{"format":"lepton-ensemble","format_version":1,"vote":"soft","members":[{"reference":"a@1","artifact":"0000000000000000000000000000000000000000000000000000000000000000"}]}""", "at least 2 members")]
    [InlineData("""{"format":"lepton-ensemble","format_version":1,"vote":"soft","members":"a@1"}""", "no members array")]
    public void Read_HostileEnsembleJson_IsRefusedBeforeAnyMemberLoads(string json, string expected)
    {
        var dir = _folders.New();
        File.WriteAllText(Path.Combine(dir, EnsembleFile.FileName), json);
        File.WriteAllText(Path.Combine(dir, ModelFile.SpecFileName), "{}");
        bool resolved = false;
        var loader = PredictorLoader.Default.With(new EnsembleModelKind(_ => { resolved = true; return dir; }));

        var e = Assert.Throws<InvalidDataException>(() => loader.Load(dir));

        Assert.Contains(expected, e.Message);
        Assert.False(resolved);
    }
}
