using System.Buffers.Binary;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Http;

/// <summary>
/// Turns an uploaded PNG or JPEG into one raw (1,C,H,W) example of pixels 0..255. The size is read from the
/// header and checked against the model's input before any pixel is decoded, so a huge declared image costs nothing.
/// </summary>
public static class ImageInput
{
    public static Tensor Decode(byte[] bytes, Shape exampleShape, string model)
    {
        if (exampleShape.Rank != 3)
            throw ProtocolException.BadRequest($"Model '{model}' takes inputs of shape {exampleShape}, not images (C,H,W); send JSON instances instead.");
        int c = exampleShape[0], h = exampleShape[1], w = exampleShape[2];
        PngImage image;
        if (Png.IsPng(bytes))
        {
            var (width, height) = PngSize(bytes);
            CheckSize(width, height, w, h, model);
            image = Decode(() => Png.Decode(bytes, "uploaded PNG", (long)w * h));
        }
        else if (Jpeg.IsJpeg(bytes))
        {
            var header = Decode(() => Jpeg.ReadHeader(bytes, "uploaded JPEG"));
            CheckSize(header.Width, header.Height, w, h, model);
            image = Decode(() => Jpeg.Decode(bytes, "uploaded JPEG", (long)w * h));
        }
        else throw new ProtocolException(415, "The upload is neither a PNG nor a JPEG image (checked by its first bytes); send image/png or image/jpeg.");
        if (c == 1 && image.Channels != 1) image = image.ToGrayscale();
        else if (c == 3 && image.Channels == 4) image = new PngImage(image.Width, image.Height, 3, DropAlpha(image));
        if (image.Channels != c)
            throw ProtocolException.BadRequest($"The image has {image.Channels} channel(s) but model '{model}' expects {c}.");
        return image.ToTensor().Unsqueeze(0).Contiguous();
    }

    // IHDR is always the first chunk: signature (8), length (4), "IHDR" (4), width (4), height (4).
    private static (long Width, long Height) PngSize(byte[] bytes)
    {
        if (bytes.Length < 24 || bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R')
            throw ProtocolException.BadRequest("uploaded PNG: truncated or corrupt: no IHDR header chunk.");
        return (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)));
    }

    private static void CheckSize(long width, long height, int w, int h, string model)
    {
        if (width != w || height != h)
            throw ProtocolException.BadRequest($"The image is {width}x{height} but model '{model}' expects {w}x{h} images; resize it to {w}x{h}.");
    }

    private static T Decode<T>(Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (InvalidDataException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
        catch (NotSupportedException ex)
        {
            throw new ProtocolException(415, ex.Message);
        }
    }

    private static byte[] DropAlpha(PngImage rgba)
    {
        var rgb = new byte[rgba.Width * rgba.Height * 3];
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            rgb[q] = rgba.Pixels[p];
            rgb[q + 1] = rgba.Pixels[p + 1];
            rgb[q + 2] = rgba.Pixels[p + 2];
        }
        return rgb;
    }
}
