// Text-to-speech models for the scratch voice. Input names and prices as the providers publish them (model
// pages, 2026): fal's Kokoro takes `prompt` and `voice` and answers `{audio: {url, content_type}}`, billed
// per 1000 characters; Replicate's Kokoro 82M takes `text` and `voice` and its output is the audio URL,
// billed per second of compute (no per-line price is published, so estimates call it unpriced).
import type { ModelInfo } from './types';

export const TTS_BUILT_IN: ModelInfo[] = [
  tts('fal-ai/kokoro/american-english', 'fal', 'prompt', 'af_heart', 0.02),
  tts('fal-ai/kokoro/british-english', 'fal', 'prompt', 'bf_alice', 0.02),
  tts('jaaari/kokoro-82m', 'replicate', 'text', 'af_bella', undefined),
];

function tts(
  id: string,
  provider: 'fal' | 'replicate',
  textInput: string,
  defaultVoice: string,
  pricePer1kCharsUsd: number | undefined,
): ModelInfo {
  return {
    id,
    provider,
    endpoint: id,
    class: 'light',
    maxRefs: 0,
    refsAs: 'single',
    sizeInput: 'none',
    typicalSeconds: 3,
    params: {},
    tts: { textInput, voiceInput: 'voice', defaultVoice, pricePer1kCharsUsd },
  };
}
