namespace Lepton.Data.Images.Augmentation;

/// <summary>
/// The random choices for one example in one epoch, as fractions of the image so they apply to any size:
/// flips, rotation and shear angles (radians), zoom factor, shift and crop centre (fractions of width/height), crop side
/// (fraction), brightness and contrast factors, and the cutout square's position (fractions in [0, 1)).
/// </summary>
public readonly record struct AugmentationDraw(
    bool FlipX,
    bool FlipY,
    double Angle,
    double Shear,
    double Zoom,
    double ShiftX,
    double ShiftY,
    double CropScale,
    double CropX,
    double CropY,
    float Brightness,
    float Contrast,
    double CutoutY,
    double CutoutX)
{
    /// <summary>Changes nothing.</summary>
    public static AugmentationDraw Identity { get; } = new(false, false, 0, 0, 1, 0, 0, 1, 0, 0, 1f, 1f, 0, 0);

    /// <summary>The geometric part as an output-to-source pixel map for an image of this size.</summary>
    public AffineMap Map(int height, int width) => AffineMap.Compose(height, width, FlipX, FlipY, Angle, Shear, Zoom,
        ShiftX * width, ShiftY * height, CropScale, CropX * width, CropY * height);
}
