namespace VaePipeline.Training.Engine;

// The same two types as branch gpu's src/Training/Engine/TrainingDevices.cs (its --device for the native engine);
// this file goes when that branch lands.

/// <summary>Where training runs: <c>vae train --device</c>.</summary>
public enum TrainingDevice { Auto, Cpu, Cuda }

/// <summary>A device that was asked for and cannot be used; the message is the reason (no driver, no libcublas, no device).</summary>
public sealed class TrainingDeviceException(string message, Exception? inner = null) : Exception(message, inner);
