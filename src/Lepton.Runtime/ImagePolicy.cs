using Lepton.Data.Images;
using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>The resize policy of a model input as the image path applies it.</summary>
public static class ImagePolicy
{
    /// <summary>An image input's own policy; a tensor input (every model saved before input kinds) takes images of its exact size only.</summary>
    public static ResizePolicy Of(InputSpec input) =>
        input is { Kind: InputKind.Image, Image: { } image } ? Enum.Parse<ResizePolicy>(image.Resize, ignoreCase: true) : ResizePolicy.Exact;
}
