// Review (dailies): circled takes, review status and notes, kept versions. What other stages use.
export { circledOutput, circledTake, takeMask, takesOf } from './takes';
export { readReview, type ReviewNote, type ReviewView } from './reviewData';
export { applyReview, checkNote, type ReviewAction, type ReviewResult } from './reviewEdits';
export { findVersion, type Restored, restoreTextEdit, restoreVersion } from './restore';
export { RESTORABLE, type VersionEntry, VersionStore } from './versions';
export { reviewerName } from './who';
