using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Tests;

/// <summary>A predictor with a chosen signature whose Predict is a function, for warm-up and loader tests.</summary>
internal sealed class FunctionPredictor(PredictorSignature signature, Func<TensorSet, TensorSet> predict, string kind = "function") : IPredictor
{
    public string Kind => kind;

    public PredictorSignature Signature => signature;

    public bool Disposed { get; private set; }

    public Tensor Preprocess(int input, Tensor raw) => raw;

    public TensorSet Predict(TensorSet inputs) => predict(inputs);

    public void Dispose() => Disposed = true;
}

/// <summary>A kind recognised by <c>marker.txt</c> that loads a <see cref="FunctionPredictor"/> doubling its input.</summary>
internal sealed class DoublingKind(string name = "doubling", string marker = "doubling.txt") : IPredictorKind
{
    public string Name => name;

    public string MarkerFile => marker;

    public IPredictor Load(string folder, PredictorLoadOptions options) => new FunctionPredictor(
        new PredictorSignature([new TensorSignature("x", DType.Float32, [2])], [new TensorSignature("y", DType.Float32, [2])], OutputKind.Tensors),
        x => x[0].Mul(2.0), name);
}

/// <summary>Model folders in a temporary directory deleted on dispose.</summary>
internal sealed class TempFolders : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-runtime-tests", Guid.NewGuid().ToString("N"));
    private int _next;

    public string New()
    {
        var dir = Path.Combine(_root, (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A saved classifier: input "image" (-1,2,4) scaled by 1/2, three named classes.</summary>
    public string LeptonModel(PreprocessingSpec? preprocessing = null)
    {
        var dir = New();
        var model = new Sequential(new Flatten(), new Linear(8, 6, rng: new Generator(1)), new ReLU(), new Linear(6, 3, rng: new Generator(2)));
        ModelFile.Save(dir, model, new ModelSpec
        {
            Input = new InputSpec("image", [-1, 2, 4]),
            Preprocessing = preprocessing,
            ClassNames = ["a", "b", "c"],
        });
        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
