using Lepton.Data.Images;
using Lepton.Engine;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Http;

/// <summary>
/// Turns an uploaded image (JPEG, PNG, BMP, GIF, WebP) into one raw (1,C,H,W) example of pixels 0..255 through the same path as
/// <c>lepton predict</c> (<see cref="ImageToTensor"/>): an image input resizes any size by its policy; a tensor input (a model
/// saved before input kinds) takes its exact size, read from the header before any pixel is decoded. Decoding is bounded
/// by a pixel count read from the header, so a huge declared image costs nothing.
/// </summary>
public static class ImageInput
{
    public static Tensor Decode(byte[] bytes, Shape exampleShape, ResizePolicy? policy, string model)
    {
        if (exampleShape.Rank != 3)
            throw ProtocolException.BadRequest($"Model '{model}' takes inputs of shape {exampleShape}, not images (C,H,W); send JSON instances instead.");
        int c = exampleShape[0], h = exampleShape[1], w = exampleShape[2];
        var resize = policy ?? ResizePolicy.Exact;
        if (!ImageToTensor.IsImage(bytes))
            throw new ProtocolException(415, "The upload is not an image the server reads (checked by its first bytes); send JPEG, PNG, BMP, GIF or WebP.");
        const string name = "uploaded image";
        if (resize == ResizePolicy.Exact)
        {
            var (width, height) = Decode(() => ImageToTensor.ReadSize(bytes, name));
            if (width != w || height != h)
                throw ProtocolException.BadRequest($"The image is {width}x{height} but model '{model}' expects {w}x{h} images; resize it to {w}x{h}.");
        }
        var image = Decode(() => ImageToTensor.Decode(bytes, name, resize == ResizePolicy.Exact ? (long)w * h : ImageToTensor.DefaultMaxPixels, w, h).Image);
        return Decode(() => ImageToTensor.Convert(image, c, h, w, resize, name)).Unsqueeze(0).Contiguous();
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
}
