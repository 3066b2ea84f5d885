using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Engine;

namespace Lepton.Registry.Tests.Packaging;

/// <summary>Small real model folders for packaging and archive tests.</summary>
public static class ModelFolders
{
    public static string WriteSmall(string dir, int hidden = 8, ulong seed = 1)
    {
        var rng = new Generator(seed);
        var model = new Sequential(new Flatten(), new Linear(16, hidden, rng: rng), new ReLU(), new Linear(hidden, 3, rng: rng));
        ModelFile.Save(dir, model, new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, 4, 4]),
            ClassNames = ["cat", "dog", "bird"],
            Metrics = new Dictionary<string, double> { ["test_accuracy"] = 0.75 },
        });
        return dir;
    }
}
