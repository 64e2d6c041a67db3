namespace FlowRunner.Models.Network;

/// <summary>Height × width × channels of a tensor; values are stored row-major with channels last (HWC, as Keras does), so a flattened
/// tensor's index is (y × W + x) × C + c.</summary>
public readonly record struct TensorShape(int H, int W, int C)
{
    public int Size => H * W * C;

    public override string ToString() => $"{H}x{W}x{C}";
}
