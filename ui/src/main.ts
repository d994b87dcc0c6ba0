// For the benchmark (tests/bench/ui-bench): when the bundle started running.
performance.mark('dealbox:script');
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createTauriBackend } from './lib/backend/tauri';
import { language } from './lib/i18n/index.svelte';
import { applyStoredTheme } from './lib/settings/theme.svelte';

document.documentElement.lang = language();
applyStoredTheme();
const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
mount(App, { target, props: { backend: createTauriBackend() } });
