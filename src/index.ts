/**
 * seq-echo: sequence-to-sequence LSTMs that learn to echo random integers, on TensorFlow.js.
 *
 * Importing it changes no tfjs global state: no backend switch, no flags.
 *
 * @packageDocumentation
 */
export { generateSequence, type GenerateSequenceOptions } from './data/generateSequence';
export type { RandomSource } from './data/random';
export { oneHotEncode, oneHotDecode } from './data/oneHot';
export { linearEncode, linearDecode } from './data/linear';
export {
  toSupervised,
  type SupervisedData,
  type ToSupervisedOptions,
  type Framing,
} from './data/toSupervised';
export { createVocabulary, type Vocabulary } from './data/vocabulary';
export { getEchoData, type EchoData, type EchoDataOptions } from './tensors/getEchoData';
export type { CommonModelOptions, InputOptions, RecurrentActivation } from './models/common';
export type { EchoTask, EchoRepresentation } from './models/echoTask';
export { buildSeq2Seq, type Seq2SeqOptions } from './models/buildSeq2Seq';
export { buildEncoderDecoder, type EncoderDecoderOptions } from './models/buildEncoderDecoder';
export { buildOneToOne, buildManyToOne, type TopologyOptions } from './models/topologies';
export { buildAttention, type AttentionOptions } from './models/attention/buildAttention';
export { disposeEchoModel } from './training/disposeEchoModel';
export { attentionWeights } from './training/attentionWeights';
export {
  trainEcho,
  type TrainEchoOptions,
  type TrainEchoResult,
  type EpochLog,
  type EpochEvaluation,
} from './training/trainEcho';
export type {
  LearningRateSchedule,
  ExponentialDecaySchedule,
  CosineDecaySchedule,
  PiecewiseConstantSchedule,
} from './training/schedule';
export {
  evaluateEcho,
  type EvaluateEchoOptions,
  type EchoEvaluation,
} from './training/evaluateEcho';
export { predictEcho, type EchoPrediction } from './training/predictEcho';
export { useThreadWorkers, type WebWorkerLike } from './training/fused/threads/pool';
export {
  buildTeacherForcing,
  type TeacherForcingOptions,
  type TeacherForcingModels,
} from './models/teacherForcing';
export {
  trainTeacherForcing,
  type TrainTeacherForcingOptions,
  type TrainTeacherForcingResult,
  type TeacherForcingEpochLog,
  type TeacherForcingEpochEvaluation,
} from './training/trainTeacherForcing';
export type { TrainingLoopOptions, TrainingLoopResult } from './training/loop';
export {
  evaluateTeacherForcing,
  type EvaluateTeacherForcingOptions,
  type TeacherForcingEvaluation,
} from './training/evaluateTeacherForcing';
export { decodeGreedy, decodeGreedyBatch, type DecodeGreedyOptions } from './training/decodeGreedy';
export {
  frameTeacherForcing,
  type TeacherForcingFrame,
  type FrameTeacherForcingOptions,
} from './data/teacherForcingFrames';
export { selectBackend, type BackendChoice } from './backend/selectBackend';
export {
  trainCurriculum,
  type CurriculumStage,
  type CurriculumStageResult,
  type TrainCurriculumOptions,
  type TrainCurriculumResult,
} from './training/trainCurriculum';
export { presets, type EchoPreset, type EchoPresets } from './presets';
export {
  familyPresets,
  type FamilyPreset,
  type FamilyPresets,
  type EchoFamily,
} from './familyPresets';
export {
  saveEchoModel,
  type SaveEchoModelOptions,
  type SaveEchoModelResult,
} from './io/saveEchoModel';
export { loadEchoModel } from './io/loadEchoModel';
export { saveTeacherForcing, type SaveTeacherForcingResult } from './io/saveTeacherForcing';
export { loadTeacherForcing } from './io/loadTeacherForcing';
export type { TeacherForcingMetadata } from './io/teacherForcingMetadata';
export type { EchoModelMetadata, EchoArchitecture } from './io/metadata';
