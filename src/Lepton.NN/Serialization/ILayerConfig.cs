using System.Text.Json.Nodes;

namespace Lepton.NN.Serialization;

/// <summary>A layer that can describe its constructor options, so <c>model.json</c> can rebuild it.</summary>
public interface ILayerConfig
{
    /// <summary>The options as PyTorch's constructor arguments in snake_case, e.g. <c>{"in_features": 784, "out_features": 10, "bias": true}</c>.</summary>
    JsonObject GetConfig();
}
