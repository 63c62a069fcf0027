using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>How a model's layers create their parameters: in which dtype, and whether to initialize them. Weights
/// about to be loaded are left uninitialized, which saves most of the time it takes to build a large model.</summary>
public readonly record struct WeightOptions(ScalarType DType, bool Initialize)
{
    public Linear Linear(long inputs, long outputs, bool hasBias) => Initialize
        ? nn.Linear(inputs, outputs, hasBias, dtype: DType)
        : nn.Linear(new Parameter(empty(outputs, inputs, dtype: DType)), hasBias ? new Parameter(empty(outputs, dtype: DType)) : null);

    // Always initialized: an embedding built from a given tensor (Embedding_from_pretrained) did not read weights
    // copied into it afterwards.
    public Embedding Embedding(long count, long dimension) => nn.Embedding(count, dimension, dtype: DType);
}
