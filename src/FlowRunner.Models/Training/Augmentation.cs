namespace FlowRunner.Models.Training;

/// <summary>Seeded random affine distortion of training images: shifts of up to <see cref="ShiftPixels"/> pixels, rotations of up to
/// <see cref="RotationDegrees"/> and scalings by up to ±<see cref="ScaleFraction"/>, about the image centre, resampled bilinearly (outside the
/// image reads as 0, the background of MNIST). Each sample of each epoch draws its own distortion from the run's seed.</summary>
public sealed record Augmentation(double ShiftPixels = 0, double RotationDegrees = 0, double ScaleFraction = 0)
{
    public static readonly Augmentation None = new();

    public bool Enabled => ShiftPixels > 0 || RotationDegrees > 0 || ScaleFraction > 0;

    /// <summary>One draw: shift (dx, dy) in pixels, angle in radians, scale factor.</summary>
    public readonly record struct Draw(double Dx, double Dy, double Angle, double Scale);

    public Draw Next(Random rng) => new(
        (2 * rng.NextDouble() - 1) * ShiftPixels, (2 * rng.NextDouble() - 1) * ShiftPixels,
        (2 * rng.NextDouble() - 1) * RotationDegrees * Math.PI / 180, 1 + (2 * rng.NextDouble() - 1) * ScaleFraction);

    /// <summary>Writes the distorted image into <paramref name="output"/> (same size as <paramref name="input"/>, height × width × channels,
    /// channels last).</summary>
    public static void Apply(float[] input, float[] output, int height, int width, int channels, Draw d)
    {
        var (cy, cx) = ((height - 1) / 2.0, (width - 1) / 2.0);
        // The inverse map: for each output pixel, where it comes from in the input.
        var (cos, sin) = (Math.Cos(d.Angle) / d.Scale, Math.Sin(d.Angle) / d.Scale);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var (u, v) = (x - cx - d.Dx, y - cy - d.Dy);
            var sx = cos * u + sin * v + cx;
            var sy = -sin * u + cos * v + cy;
            var (x0, y0) = ((int)Math.Floor(sx), (int)Math.Floor(sy));
            var (fx, fy) = ((float)(sx - x0), (float)(sy - y0));
            for (var c = 0; c < channels; c++)
            {
                float At(int yy, int xx) => yy < 0 || yy >= height || xx < 0 || xx >= width ? 0f : input[(yy * width + xx) * channels + c];
                var top = At(y0, x0) * (1 - fx) + At(y0, x0 + 1) * fx;
                var bottom = At(y0 + 1, x0) * (1 - fx) + At(y0 + 1, x0 + 1) * fx;
                output[(y * width + x) * channels + c] = top * (1 - fy) + bottom * fy;
            }
        }
    }

    public override string ToString() => Enabled ? $"shift {ShiftPixels} px, rotation {RotationDegrees} deg, scale {ScaleFraction}" : "none";
}

/// <summary>The learning rate over a run: constant, cosine decay to zero, or one-cycle (linear warm-up over the first 30% of the steps from
/// rate/25 to the rate, then cosine decay to rate/10⁴, as PyTorch's OneCycleLR).</summary>
public enum RateSchedule { Constant, Cosine, OneCycle }

/// <summary>The rate of a <see cref="RateSchedule"/> at a step.</summary>
public static class RateSchedules
{
    public static double At(RateSchedule s, double rate, int step, int steps)
    {
        var t = steps <= 1 ? 1.0 : (double)step / (steps - 1);
        switch (s)
        {
            case RateSchedule.Cosine: return rate * 0.5 * (1 + Math.Cos(Math.PI * t));
            case RateSchedule.OneCycle:
                const double warm = 0.3;
                double start = rate / 25, end = rate / 1e4;
                if (t < warm) return start + (rate - start) * t / warm;
                var u = (t - warm) / (1 - warm);
                return end + (rate - end) * 0.5 * (1 + Math.Cos(Math.PI * u));
            default: return rate;
        }
    }
}
