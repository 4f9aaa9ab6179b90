// Review (dailies): circled takes, review status and notes, kept versions. What other stages use.

export { findVersion, type Restored, restoreTextEdit, restoreVersion } from './restore';
export { type ReviewNote, type ReviewView, readReview } from './reviewData';
export { applyReview, checkNote, type ReviewAction, type ReviewResult } from './reviewEdits';
export { circledOutput, circledTake, takeMask, takesOf } from './takes';
export { RESTORABLE, type VersionEntry, VersionStore } from './versions';
export { reviewerName } from './who';
