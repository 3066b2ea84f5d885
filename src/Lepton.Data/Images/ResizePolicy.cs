namespace Lepton.Data.Images;

/// <summary>How an image of any size becomes the model's height and width.</summary>
public enum ResizePolicy
{
    /// <summary>The image must already have the model's size; anything else is refused (models saved before policies existed).</summary>
    Exact,

    /// <summary>Resized to the model's size, ignoring the aspect ratio.</summary>
    Stretch,

    /// <summary>Resized to fit inside the model's size with its aspect ratio kept, centred, the border filled with 0 (letterbox).</summary>
    Fit,

    /// <summary>Resized so it covers the model's size with its aspect ratio kept, then the centre cut out.</summary>
    Crop,
}
