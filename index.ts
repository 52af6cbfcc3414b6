export { BlandApi } from './credentials/BlandApi.credentials';
export { BuenaApi } from './credentials/BuenaApi.credentials';
export { CreateVoiceClone } from './nodes/CreateVoiceClone/CreateVoiceClone.node';
export { VoiceClone } from './nodes/VoiceClone/VoiceClone.node';
export { VoiceCloneTrigger } from './nodes/VoiceCloneTrigger/VoiceCloneTrigger.node';
export { WaitForTraining } from './nodes/WaitForTraining/WaitForTraining.node';
